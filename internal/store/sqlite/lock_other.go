//go:build !unix

package sqlite

import "io"

// lockFile takes no lock where flock is missing: the store then reads
// versions from the database (see PeekInstAsstVersion).
func lockFile(path string) (io.Closer, error) { return nil, nil }
