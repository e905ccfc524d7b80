package plugintest

import "errors"

// ErrNotArrow means a QueryData answer came back in a frame format other than Arrow.
var ErrNotArrow = errors.New("frames are not in arrow format")

// ErrEmptyResource means a CallResource stream ended without a single message, which Grafana
// answers with a 500.
var ErrEmptyResource = errors.New("resource answer is empty")

// ErrNoModule means the test runs outside any Go module, so there is no ./pkg to build.
var ErrNoModule = errors.New("working directory is outside any module")
