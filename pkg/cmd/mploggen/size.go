package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

var errBadSize = errors.New("not a size such as 1000, 512K, 100M or 1G")

// parseSize reads a byte count with an optional K, M, G or T suffix (powers of
// 1024, case-insensitive, an optional trailing B or iB), such as "100M" or "1.5G".
func parseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "IB"), "B")
	mult := int64(1)
	if n := len(t); n > 0 {
		if i := strings.IndexByte("KMGT", t[n-1]); i >= 0 {
			mult = 1 << (10 * (i + 1))
			t = t[:n-1]
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("reading size: value=%q: %w", s, errors.Join(errBadSize, err))
	}
	return int64(v * float64(mult)), nil
}
