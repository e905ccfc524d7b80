package plugin

import "errors"

// ErrBadSettings means a data source's settings are missing or malformed.
var ErrBadSettings = errors.New("invalid data source settings")

// ErrBadQuery means a query's JSON or fields do not make a valid query.
var ErrBadQuery = errors.New("invalid query")
