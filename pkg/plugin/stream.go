package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/mailpath/mailpath/pkg/trace"
)

var _ backend.StreamHandler = (*Datasource)(nil)

// Live tracing. A channel ds/<uid>/trace/<hash> follows one trace query:
// the front end puts a hash of the query into the path, since one RunStream
// serves one path and all its subscribers, and the query itself into Data.
const streamPrefix = "trace/"

// livePeriod is how often a live trace is run again. Each run is a whole
// trace, bounded by the rounds' request limit; new lines of the message show
// up within a period.
var livePeriod = 5 * time.Second

// liveLookback is how far back a live trace looks for its message.
var liveLookback = time.Hour

// SubscribeStream admits subscriptions to valid trace channels.
func (ds *Datasource) SubscribeStream(_ context.Context, req *backend.SubscribeStreamRequest) (
	*backend.SubscribeStreamResponse, error) {
	if _, err := liveSeed(req.Path, req.Data, time.Now()); err != nil {
		return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusNotFound}, nil
	}
	return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusOK}, nil
}

// PublishStream refuses: viewers only listen.
func (ds *Datasource) PublishStream(context.Context, *backend.PublishStreamRequest) (
	*backend.PublishStreamResponse, error) {
	return &backend.PublishStreamResponse{Status: backend.PublishStreamStatusPermissionDenied}, nil
}

// RunStream traces the channel's query every livePeriod and sends the events
// frame whenever the trace has new lines, until the last subscriber leaves.
func (ds *Datasource) RunStream(ctx context.Context, req *backend.RunStreamRequest,
	sender *backend.StreamSender) error {
	logger := log.DefaultLogger.FromContext(ctx).With("path", req.Path)
	sent := -1
	tick := time.NewTicker(livePeriod)
	defer tick.Stop()
	for {
		n, err := ds.liveRound(ctx, req, sender, sent)
		if err != nil {
			logger.Warn("Live trace round failed", "error", err)
		} else {
			sent = n
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// liveRound runs the trace once and sends its events when their number
// changed; it returns the number sent.
func (ds *Datasource) liveRound(ctx context.Context, req *backend.RunStreamRequest,
	sender *backend.StreamSender, sent int) (int, error) {
	seed, err := liveSeed(req.Path, req.Data, time.Now())
	if err != nil {
		return sent, err
	}
	src, err := ds.source()
	if err != nil {
		return sent, err
	}
	res, err := trace.Run(ctx, src, seed, trace.Options{})
	if err != nil {
		return sent, err
	}
	frame := eventsFrame(answerLines(res))
	if frame.Rows() == sent {
		return sent, nil
	}
	return frame.Rows(), sender.SendFrame(frame, data.IncludeAll)
}

// liveSeed reads a channel's trace query; the window is the last hour up to
// now, moving with each round.
func liveSeed(path string, raw json.RawMessage, now time.Time) (trace.Seed, error) {
	if !strings.HasPrefix(path, streamPrefix) || len(path) > 200 {
		return trace.Seed{}, fmt.Errorf("stream path %q: %w: want trace/<hash>", path,
			ErrBadQuery)
	}
	var m Query
	if err := json.Unmarshal(raw, &m); err != nil {
		return trace.Seed{}, fmt.Errorf("stream data: %w: %w", ErrBadQuery, err)
	}
	return m.seed(backend.TimeRange{From: now.Add(-liveLookback), To: now})
}
