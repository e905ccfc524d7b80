package route

import "errors"

// ErrSyntax means a route file is not valid YAML, a key given twice included.
var ErrSyntax = errors.New("not valid yaml")

// ErrUnknownKey means a mapping holds a key the schema does not know.
var ErrUnknownKey = errors.New("unknown key")

// ErrWrongType means a value has the wrong YAML type, such as a list where a
// string belongs.
var ErrWrongType = errors.New("wrong type")

// ErrMissing means a required key is absent or empty.
var ErrMissing = errors.New("missing key")

// ErrNoHosts means a stage lists no hosts.
var ErrNoHosts = errors.New("stage lists no hosts")

// ErrDuplicateRoute means two routes, two stages of one route or two branches
// of one stage share a name.
var ErrDuplicateRoute = errors.New("duplicate name")

// ErrBadGlob means a glob does not parse.
var ErrBadGlob = errors.New("bad glob")

// ErrBadDuration means a max_wait is not a positive duration.
var ErrBadDuration = errors.New("bad duration")

// ErrUnknownExpect means an expect names an ending the schema does not know.
var ErrUnknownExpect = errors.New("unknown expect kind")

// FileError is a mistake in a route file at a known place. Its text reads
// file:line:column: what is wrong: what to give instead; errors.Is tells its
// kind through Err.
type FileError struct {
	Pos Pos
	Msg string
	Err error
}

// Error gives the place and the message.
func (e *FileError) Error() string { return e.Pos.String() + ": " + e.Msg }

// Unwrap returns the error's kind, one of the ErrXxx values.
func (e *FileError) Unwrap() error { return e.Err }
