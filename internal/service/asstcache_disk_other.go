//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd)

package service

// Without flock(2) (and, on Windows, unlink-while-open) the answer cache
// has no disk tier: it keeps its answers in memory only.

func openDiskTier(string, int64, int64) (*diskTier, error) {
	return nil, ErrAnswerCacheDiskUnsupported
}
