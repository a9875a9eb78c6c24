//go:build !unix

package main

import "time"

// selfCPU is not measured here: 0 leaves the "generator CPU" figure out.
func selfCPU() time.Duration { return 0 }
