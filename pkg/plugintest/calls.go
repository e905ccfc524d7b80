package plugintest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// Query is one panel query as Grafana sends it. JSON is the whole query model the front end
// built (refId, datasource, the plugin's own fields); nil sends {}.
type Query struct {
	RefID         string
	QueryType     string
	JSON          []byte
	From, To      time.Time
	MaxDataPoints int64
	Interval      time.Duration
}

// Response is one query's answer with its Arrow frames decoded.
type Response struct {
	Frames      data.Frames
	Error       string
	Status      int
	ErrorSource string
}

// CheckHealth runs the "Save & test" check for the data source s.
func (h *Host) CheckHealth(ctx context.Context, s Settings) (*pluginv2.CheckHealthResponse, error) {
	res, err := h.Diagnostics.CheckHealth(ctx, &pluginv2.CheckHealthRequest{
		PluginContext: s.PluginContext(),
	})
	if err != nil {
		return nil, fmt.Errorf("checking health: uid=%s: %w", s.UID, err)
	}

	return res, nil
}

// QueryData sends queries in one request, in Arrow format as Grafana does, and returns each
// answer by RefID. A query without RefID gets A, B, … by position.
func (h *Host) QueryData(ctx context.Context, s Settings, queries ...Query) (
	map[string]Response, error,
) {
	req := &pluginv2.QueryDataRequest{
		PluginContext: s.PluginContext(),
		Headers:       map[string]string{},
		Format:        pluginv2.DataFrameFormat_ARROW,
	}
	for i, q := range queries {
		req.Queries = append(req.Queries, q.proto(i))
	}

	res, err := h.Data.QueryData(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("querying data: uid=%s queries=%d: %w", s.UID, len(queries), err)
	}

	return DecodeResponses(res)
}

func (q Query) proto(i int) *pluginv2.DataQuery {
	refID := q.RefID
	if refID == "" {
		refID = string(rune('A' + i))
	}
	model := q.JSON
	if model == nil {
		model = []byte("{}")
	}

	return &pluginv2.DataQuery{
		RefId:         refID,
		QueryType:     q.QueryType,
		Json:          model,
		MaxDataPoints: q.MaxDataPoints,
		IntervalMS:    q.Interval.Milliseconds(),
		TimeRange: &pluginv2.TimeRange{
			FromEpochMS: q.From.UnixMilli(),
			ToEpochMS:   q.To.UnixMilli(),
		},
	}
}

// DecodeResponses decodes every answer of a QueryData response, for tests that call h.Data
// themselves (to send headers such as FromAlert). It fails on a non-Arrow answer.
func DecodeResponses(res *pluginv2.QueryDataResponse) (map[string]Response, error) {
	out := make(map[string]Response, len(res.GetResponses()))
	for refID, r := range res.GetResponses() {
		if r.GetFormat() != pluginv2.DataFrameFormat_ARROW {
			return nil, fmt.Errorf("decoding frames: refID=%s format=%s: %w",
				refID, r.GetFormat(), ErrNotArrow)
		}

		frames, err := data.UnmarshalArrowFrames(r.GetFrames())
		if err != nil {
			return nil, fmt.Errorf("decoding frames: refID=%s: %w", refID, err)
		}
		out[refID] = Response{
			Frames:      frames,
			Error:       r.GetError(),
			Status:      int(r.GetStatus()),
			ErrorSource: r.GetErrorSource(),
		}
	}

	return out, nil
}

// CallResource calls a resource route and collects the streamed answer: the status comes
// from the first message, the body is every message's body joined. target is what follows
// /resources/ in Grafana's URL, with an optional query string ("labels?start=1"); a leading
// slash is dropped, as Grafana's router drops it.
func (h *Host) CallResource(ctx context.Context, s Settings, method, target string, body []byte) (
	int, []byte, error,
) {
	req, err := resourceRequest(s, method, target, body)
	if err != nil {
		return 0, nil, err
	}

	stream, err := h.Resource.CallResource(ctx, req)
	if err != nil {
		return 0, nil, fmt.Errorf("calling resource: path=%s: %w", req.Path, err)
	}

	return collectResource(stream, req.Path)
}

func resourceRequest(s Settings, method, target string, body []byte) (
	*pluginv2.CallResourceRequest, error,
) {
	u, err := url.Parse(strings.TrimPrefix(target, "/"))
	if err != nil {
		return nil, fmt.Errorf("parsing resource target: target=%q: %w", target, err)
	}

	return &pluginv2.CallResourceRequest{
		PluginContext: s.PluginContext(),
		Path:          u.Path,
		Method:        method,
		Url:           u.String(),
		Headers:       map[string]*pluginv2.StringList{},
		Body:          body,
	}, nil
}

// collectResource reads the stream to its end. Like Grafana, it takes status and headers
// from the first message only and treats an empty stream as an error.
func collectResource(stream pluginv2.Resource_CallResourceClient, path string) (
	int, []byte, error,
) {
	status := 0
	var body []byte
	for n := 0; ; n++ {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			if n == 0 {
				return 0, nil, fmt.Errorf("calling resource: path=%s: %w", path, ErrEmptyResource)
			}
			return status, body, nil
		}
		if err != nil {
			return status, body, fmt.Errorf("receiving resource answer: path=%s part=%d: %w",
				path, n, err)
		}
		if n == 0 {
			status = int(msg.GetCode())
		}
		body = append(body, msg.GetBody()...)
	}
}
