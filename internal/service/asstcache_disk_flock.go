//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package service

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// openDiskTier makes this run's directory under parent, after removing
// those of earlier runs (see asstcache_disk.go).
func openDiskTier(parent string, maxBytes, minBytes int64) (*diskTier, error) {
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return nil, fmt.Errorf("answer cache directory: %w", err)
	}
	// DIR/.lock, held while sweeping and making a run.
	guard, err := os.OpenFile(filepath.Join(parent, ".lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("answer cache directory: %w", err)
	}
	defer guard.Close() // releases the lock
	if err := flock(guard, true); err != nil {
		return nil, fmt.Errorf("answer cache directory: lock: %w", err)
	}
	sweepRuns(parent)
	var rnd [8]byte
	rand.Read(rnd[:])
	name := fmt.Sprintf("run-%d-%s", os.Getpid(), hex.EncodeToString(rnd[:]))
	lockPath := filepath.Join(parent, name+".lock")
	lock, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("answer cache directory: %w", err)
	}
	dir := filepath.Join(parent, name)
	if err = flock(lock, false); err == nil {
		err = os.Mkdir(dir, 0o700)
	}
	if err != nil {
		lock.Close()
		os.Remove(lockPath)
		return nil, fmt.Errorf("answer cache directory: %w", err)
	}
	return newDiskTier(dir, lockPath, lock, maxBytes, minBytes), nil
}

// sweepRuns removes the runs under parent nobody holds: a run whose lock
// file can be locked, or is missing (its owner makes the lock first and
// removes it last), is over.
func sweepRuns(parent string) {
	des, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	seen := map[string]bool{}
	for _, de := range des {
		name := strings.TrimSuffix(de.Name(), ".lock")
		if !strings.HasPrefix(name, "run-") || seen[name] {
			continue
		}
		seen[name] = true
		dir, lockPath := filepath.Join(parent, name), filepath.Join(parent, name+".lock")
		lock, err := os.OpenFile(lockPath, os.O_RDWR, 0)
		if errors.Is(err, os.ErrNotExist) {
			os.RemoveAll(dir)
			continue
		}
		if err != nil {
			continue
		}
		if flock(lock, false) == nil {
			os.RemoveAll(dir)
			os.Remove(lockPath)
		}
		lock.Close()
	}
}

// flock takes an exclusive lock on f: waiting for it, or failing at once
// when another holds it.
func flock(f *os.File, wait bool) error {
	how := syscall.LOCK_EX
	if !wait {
		how |= syscall.LOCK_NB
	}
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if err != syscall.EINTR {
			return err
		}
	}
}
