package main

import (
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/mailpath/mailpath/pkg/logsource"
	"github.com/mailpath/mailpath/pkg/logsource/file"
)

// sourceFlags say where the log lines come from: files, or Loki.
type sourceFlags struct {
	logs    []string
	tz      string
	workers int
	loki    lokiFlags
}

func (sf *sourceFlags) add(fl *pflag.FlagSet) {
	fl.StringArrayVar(&sf.logs, "logs", nil,
		"aggregated syslog files, plain or gzip (repeatable; more may follow the flags)")
	fl.StringVar(&sf.tz, "tz", "Local", "time zone of RFC 3164 stamps (IANA name)")
	fl.IntVar(&sf.workers, "workers", 0, "goroutines per plain file (default: one per CPU)")
	sf.loki.add(fl)
}

// open returns the source the flags name. Exactly one of --logs and --loki
// must be given.
func (sf *sourceFlags) open() (logsource.Source, error) {
	switch {
	case len(sf.logs) > 0 && sf.loki.url != "":
		return nil, fmt.Errorf("both --logs and --loki given: read one source at a time")
	case sf.loki.url != "":
		return sf.loki.open()
	case len(sf.logs) == 0:
		return nil, fmt.Errorf("no log source: give --logs FILE or --loki URL")
	}
	if sf.workers < 0 {
		return nil, fmt.Errorf("reading --workers: value=%d: want 0 (one per CPU) or more",
			sf.workers)
	}
	loc, err := time.LoadLocation(sf.tz)
	if err != nil {
		return nil, fmt.Errorf("reading --tz: value=%q: %w", sf.tz, err)
	}
	return file.Open(sf.logs, file.Options{Location: loc, Workers: sf.workers})
}
