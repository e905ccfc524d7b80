//go:build race

package lokisource

// raceEnabled is set under the race detector, whose instrumentation makes
// timings meaningless.
const raceEnabled = true
