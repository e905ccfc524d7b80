// Command mploggen writes a big, realistic aggregated Postfix log with its ground
// truth, for benchmarks and correctness checks of Mailpath.
//
//	mploggen -o FILE -bytes 1G -format rfc3164 -seed 1 [-truth truth.jsonl] [-gzip]
//
// The log and its truth come from package loggen; the same flags always give the
// same bytes. Stats go to standard error when the log is done.
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mailpath/mailpath/pkg/loggen"
)

// options are the command line's settings.
type options struct {
	out, truth, size, format, start string
	seed                            uint64
	messages                        int
	rate                            float64
	gzip                            bool
}

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "mploggen:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("mploggen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.out, "o", "-", "log file to write, - for standard output")
	fs.StringVar(&o.size, "bytes", "",
		"stop at about this size: 1000, 512K, 100M, 1G (powers of 1024)")
	fs.IntVar(&o.messages, "messages", 0, "stop after this many messages")
	fs.StringVar(&o.format, "format", loggen.FormatRFC3164, "rfc3164 or rfc5424")
	fs.Uint64Var(&o.seed, "seed", 1, "random seed")
	fs.Float64Var(&o.rate, "rate", loggen.DefaultRate, "messages per second of log time")
	fs.StringVar(&o.start, "start", "", "time of the first message, RFC 3339 (default 2026-12-03)")
	fs.StringVar(&o.truth, "truth", "", "write the ground truth here as JSON lines")
	fs.BoolVar(&o.gzip, "gzip", false, "gzip the log")
	err := fs.Parse(args)
	if err == nil && fs.NArg() > 0 {
		err = fmt.Errorf("reading arguments: args=%q: %w", fs.Args(), errUnexpectedArgs)
	}
	return o, err
}

var errUnexpectedArgs = errors.New("unexpected arguments")

// config turns the options into a loggen.Config.
func (o options) config() (loggen.Config, error) {
	cfg := loggen.Config{Seed: o.seed, Messages: o.messages, Format: o.format, Rate: o.rate}
	var err error
	if o.size != "" {
		if cfg.TargetBytes, err = parseSize(o.size); err != nil {
			return cfg, err
		}
	}
	if o.start != "" {
		if cfg.Start, err = time.Parse(time.RFC3339, o.start); err != nil {
			return cfg, fmt.Errorf("reading -start: value=%q: %w", o.start, err)
		}
	}
	return cfg, nil
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	cfg, err := o.config()
	if err != nil {
		return err
	}

	log, closeLog, err := openLog(o.out, o.gzip, stdout)
	if err != nil {
		return err
	}
	truth, closeTruth, err := openTruth(o.truth)
	if err != nil {
		return errors.Join(err, closeLog())
	}
	began := time.Now()
	st, err := loggen.Generate(log, cfg, truth.write)
	err = errors.Join(err, truth.err, closeTruth(), closeLog())
	if err != nil {
		return err
	}
	printStats(stderr, st, time.Since(began))
	return nil
}

func printStats(w io.Writer, st loggen.Stats, took time.Duration) {
	mb := float64(st.Bytes) / (1 << 20)
	fmt.Fprintf(w, "lines=%d bytes=%d messages=%d malformed=%d seconds=%.2f mib_per_s=%.1f\n",
		st.Lines, st.Bytes, st.Messages, st.Malformed, took.Seconds(), mb/took.Seconds())
}

// openLog opens the log's destination, gzipped if asked, and returns the function
// that flushes and closes it.
func openLog(path string, gz bool, stdout io.Writer) (io.Writer, func() error, error) {
	w, closeFile := stdout, func() error { return nil }
	if path != "-" {
		f, err := os.Create(path)
		if err != nil {
			return nil, nil, fmt.Errorf("creating log: path=%s: %w", path, err)
		}
		w, closeFile = f, f.Close
	}
	if !gz {
		return w, closeFile, nil
	}
	z, _ := gzip.NewWriterLevel(w, gzip.BestSpeed) // the level is valid
	return z, func() error { return errors.Join(z.Close(), closeFile()) }, nil
}

// truthWriter writes messages as JSON lines and keeps the first error.
type truthWriter struct {
	enc *json.Encoder
	err error
}

func (t *truthWriter) write(m loggen.Message) {
	if t.enc == nil || t.err != nil {
		return
	}
	if err := t.enc.Encode(m); err != nil {
		t.err = fmt.Errorf("writing truth: message_id=%s: %w", m.MessageID, err)
	}
}

func openTruth(path string) (*truthWriter, func() error, error) {
	if path == "" {
		return &truthWriter{}, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, fmt.Errorf("creating truth: path=%s: %w", path, err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	closeAll := func() error { return errors.Join(bw.Flush(), f.Close()) }
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false) // Message-IDs keep their angle brackets readable
	return &truthWriter{enc: enc}, closeAll, nil
}
