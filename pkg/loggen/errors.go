package loggen

import "errors"

// ErrFormat reports a Config.Format other than FormatRFC3164 or FormatRFC5424.
var ErrFormat = errors.New("unknown log format")

// ErrNoLimit reports a Config that sets neither Messages nor TargetBytes.
var ErrNoLimit = errors.New("neither a message count nor a byte target is set")

// ErrNegative reports a Config with a negative count, size or rate.
var ErrNegative = errors.New("negative limit or rate")
