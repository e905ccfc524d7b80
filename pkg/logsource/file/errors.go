package file

import "errors"

// ErrNoFiles means a file source was opened without any path.
var ErrNoFiles = errors.New("no log files given")

// ErrNotRegular means a path names a directory, device or socket.
var ErrNotRegular = errors.New("not a regular file")
