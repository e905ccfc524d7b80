package syslog

import "errors"

// ErrIncomplete means a frame parsed but lacked a time stamp, a host or a
// program tag, without which a mail log line cannot be placed.
var ErrIncomplete = errors.New("frame lacks time, host or program tag")
