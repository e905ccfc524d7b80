//go:build !race

package lokisource

const raceEnabled = false
