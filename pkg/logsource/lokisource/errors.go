package lokisource

import "errors"

// ErrNoLabel means the label schema leaves the host or program label unnamed;
// without them a bare Loki line cannot be placed.
var ErrNoLabel = errors.New("label name is empty")
