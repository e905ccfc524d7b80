// Package lokitest is an in-memory fake of Loki's read API for tests. It answers
// with the status codes, content types, JSON shapes, field order and error texts of
// a real Loki 3.7, as recorded in testdata/loki (copied from shared/fixtures/loki),
// and TestConformance replays those recordings against it.
//
// It serves:
//   - GET and form POST /loki/api/v1/query_range for log queries: a stream selector
//     with =, !=, =~ and !~ (regexes fully anchored, Prometheus matchers), then line
//     filters |=, !=, |~ and !~, each with optional or alternatives; strings in
//     double quotes with Go escapes or in backticks. Bounds are start (inclusive)
//     and end (exclusive) as integer nanoseconds, RFC3339 or float seconds, or since;
//     limit (default 100) and direction (default backward) as in Loki;
//   - /loki/api/v1/labels, /loki/api/v1/label/<name>/values and /loki/api/v1/series,
//     over start and end (default: the last 6h) and an optional selector;
//   - /loki/api/v1/tail over WebSocket: a backlog since start, then every pushed
//     entry that matches, one message per Push, a ping every second;
//   - /ready.
//
// Like Loki it adds a service_name label (from the first of service, app, …, job,
// else unknown_service) and detected_level structured metadata to what is pushed,
// folds structured metadata into the stream labels unless the request sends
// X-Loki-Response-Encoding-Flags: categorize-labels, sorts the streams of an answer
// by their labels rather than by time, drops a line pushed twice at the same
// nanosecond into one stream, and refuses limits over max_entries_limit_per_query
// and ranges over max_query_length with Loki's texts.
//
// Where it knowingly differs from Loki:
//   - it evaluates no metric query, parser, label filter, line format or pattern
//     filter: those answer 400 with a parse error in Loki's style that says so;
//   - {} gets the empty-compatible matcher error, where Loki's parser fails first;
//   - detected_level comes from a level label or metadata value, else from the
//     first word of the line naming a level (info, warning, error, …): close to
//     Loki's rule for syslog lines, not its JSON or logfmt detection;
//   - stats hold Loki's keys with plausible counts, not Loki's numbers;
//   - series lists label sets sorted, with sorted keys, where Loki's order is its
//     own; labels and values answer [] when empty;
//   - tail ignores delay_for beyond checking it, sends its backlog as one message,
//     and never drops entries on its own, only as DropNextTail asks or when a
//     client falls more than 1024 messages behind;
//   - no recording shows Loki's texts for a bad timestamp, limit, direction or
//     delay_for, an end before the start, a bad escape or a series request without
//     match[]: the fake's may be worded otherwise;
//   - it serves neither push nor the instant, index, pattern or detected-field
//     endpoints, and reads one tenant per request (no A|B federation).
package lokitest
