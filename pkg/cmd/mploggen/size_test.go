package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int64
		bad  bool
	}{
		{name: "reads a plain byte count", in: "1000", want: 1000},
		{name: "reads kibibytes", in: "512K", want: 512 << 10},
		{name: "reads mebibytes", in: "100M", want: 100 << 20},
		{name: "reads gibibytes in lower case with a unit", in: "1gib", want: 1 << 30},
		{name: "reads a fraction", in: "1.5G", want: 3 << 29},
		{name: "refuses a word", in: "big", bad: true},
		{name: "refuses a negative size", in: "-1M", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSize(tt.in)
			if (err != nil) != tt.bad || got != tt.want {
				t.Fatalf("parseSize(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want,
					tt.bad)
			}
		})
	}
}

func TestRunWritesLogAndTruth(t *testing.T) {
	dir := t.TempDir()
	log, truth := filepath.Join(dir, "mail.log.gz"), filepath.Join(dir, "truth.jsonl")
	var stderr bytes.Buffer
	args := []string{"-o", log, "-bytes", "200K", "-truth", truth, "-gzip", "-seed", "2"}
	if err := run(args, &bytes.Buffer{}, &stderr); err != nil {
		t.Fatalf("running: %v", err)
	}
	if !strings.Contains(stderr.String(), "messages=") {
		t.Fatalf("no stats printed: %q", stderr.String())
	}
	data, err := os.ReadFile(truth)
	if err != nil || !bytes.Contains(data, []byte(`"message_id":"<`)) {
		t.Fatalf("truth file not written: %v", err)
	}
}
