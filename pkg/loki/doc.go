// Package loki is a client for Loki's public HTTP API: log queries over
// /loki/api/v1/query_range, label names and values, and live tailing over
// the /loki/api/v1/tail WebSocket. It also builds LogQL selectors and line
// filters from untrusted text (logql.go).
//
// It imports nothing of Loki or Grafana. It handles these Loki behaviours,
// observed on Loki 3.7:
//
//   - Lines are ordered only within a stream, never across streams: the
//     client merges every answer by timestamp itself.
//   - A page holding exactly limit lines says nothing about whether more
//     exist: the client asks again from the page's last timestamp, which
//     start includes, and drops the lines of that nanosecond it already has,
//     since several lines can share one.
//   - The default direction is backward and the default limit 100: the
//     client always sends direction=forward and its own limit.
//   - A limit above max_entries_limit_per_query (5000) is refused with 400,
//     not clamped: no request asks for more than Config.MaxEntries.
//   - A range longer than max_query_length (30d1h) is refused with 400:
//     longer ranges are split into pieces of Config.MaxQueryLength.
//   - Without the header X-Loki-Response-Encoding-Flags: categorize-labels,
//     structured metadata (a pid, Loki's detected_level) is folded into the
//     stream labels, one stream per value: the client sends the header and
//     reads both answer shapes. Loki's own service_name label is kept.
//   - Errors are plain text, not JSON (400 for bad LogQL or limits, 401
//     "no org id" without a tenant): they become an [*Error] holding the
//     status and the text. 429 and 5xx answers are retried with backoff,
//     honouring Retry-After; other 4xx answers are not.
//   - A tenant with no data answers 200 with an empty result, exactly like
//     a query that matches nothing: the client cannot tell them apart.
//   - Timestamps are sent as integer nanoseconds, which Loki reads exactly;
//     a float would be seconds and lose precision.
//   - The tail WebSocket needs the tenant header in the handshake, pings
//     every second, sends one JSON message per batch with dropped_entries
//     when it had to drop lines, and closes after tail_max_duration (1h):
//     the client sends its headers, takes a silent connection for dropped,
//     passes dropped entries on and reconnects without repeating lines.
//
// Results report what they miss: a line cap reached, a piece of the range
// that failed or more lines in one nanosecond than a page holds set
// [Result.Partial] with a [Result.Reason].
package loki
