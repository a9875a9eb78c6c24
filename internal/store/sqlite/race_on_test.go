//go:build race

package sqlite_test

// raceEnabled: the test binary runs under the race detector, which slows
// the (transpiled) SQLite engine some thirtyfold.
const raceEnabled = true
