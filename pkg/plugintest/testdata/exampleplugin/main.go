// Command exampleplugin is a tiny backend data source that the plugintest host launches in its
// own tests, so the host is proven over real go-plugin gRPC before the Mailpath plugin exists.
//
// It answers CheckHealth from its settings, QueryData with one frame per query and
// CallResource by echoing the request; RunStream sends a few frames and ends.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// pluginID is the id the example serves under; the host does not check it.
const pluginID = "mailpath-example-datasource"

var (
	_ backend.QueryDataHandler    = (*exampleDatasource)(nil)
	_ backend.CheckHealthHandler  = (*exampleDatasource)(nil)
	_ backend.CallResourceHandler = (*exampleDatasource)(nil)
	_ backend.StreamHandler       = (*exampleDatasource)(nil)
)

func main() {
	err := datasource.Manage(pluginID, newDatasource, datasource.ManageOpts{})
	if err != nil {
		log.DefaultLogger.Error("serving example plugin", "error", err)
		os.Exit(1)
	}
}

type exampleDatasource struct {
	settings backend.DataSourceInstanceSettings
	config   struct {
		Host string `json:"host"`
	}
}

func newDatasource(_ context.Context, s backend.DataSourceInstanceSettings) (
	instancemgmt.Instance, error,
) {
	ds := &exampleDatasource{settings: s}
	if len(s.JSONData) > 0 {
		if err := json.Unmarshal(s.JSONData, &ds.config); err != nil {
			return nil, fmt.Errorf("reading jsonData: uid=%s: %w", s.UID, err)
		}
	}

	return ds, nil
}

// CheckHealth is ok when the settings carry an apiKey secret, and names the data source.
func (d *exampleDatasource) CheckHealth(context.Context, *backend.CheckHealthRequest) (
	*backend.CheckHealthResult, error,
) {
	if d.settings.DecryptedSecureJSONData["apiKey"] == "" {
		return &backend.CheckHealthResult{
			Status:  backend.HealthStatusError,
			Message: "apiKey is missing",
		}, nil
	}

	return &backend.CheckHealthResult{
		Status:      backend.HealthStatusOk,
		Message:     fmt.Sprintf("%s ready, host %s", d.settings.Name, d.config.Host),
		JSONDetails: d.settings.JSONData,
	}, nil
}

// QueryData answers each query with one frame of "rows" rows, or an error for queryType "fail".
func (d *exampleDatasource) QueryData(_ context.Context, req *backend.QueryDataRequest) (
	*backend.QueryDataResponse, error,
) {
	resp := backend.NewQueryDataResponse()
	for _, q := range req.Queries {
		resp.Responses[q.RefID] = d.query(q)
	}

	return resp, nil
}

func (d *exampleDatasource) query(q backend.DataQuery) backend.DataResponse {
	if q.QueryType == "fail" {
		return backend.ErrDataResponse(backend.StatusBadRequest, "query type fail always fails")
	}

	var model struct {
		Rows int `json:"rows"`
	}
	if err := json.Unmarshal(q.JSON, &model); err != nil {
		return backend.ErrDataResponse(backend.StatusBadRequest, "reading query: "+err.Error())
	}

	return backend.DataResponse{Frames: data.Frames{d.hopsFrame(q, model.Rows)}}
}

func (d *exampleDatasource) hopsFrame(q backend.DataQuery, rows int) *data.Frame {
	times := make([]time.Time, rows)
	hosts := make([]string, rows)
	delays := make([]*float64, rows)
	for i := range rows {
		times[i] = q.TimeRange.From.Add(time.Duration(i) * time.Second)
		hosts[i] = d.config.Host + "-" + strconv.Itoa(i)
		if i%2 == 0 {
			delay := float64(i) * 1.5
			delays[i] = &delay
		}
	}

	return data.NewFrame("hops",
		data.NewField("time", nil, times),
		data.NewField("host", data.Labels{"role": "mx"}, hosts),
		data.NewField("delay_ms", nil, delays),
	)
}

// CallResource echoes the request as JSON; /status/<code> answers with that code, /env/<name>
// with that environment variable and /chunks sends its body in three parts.
func (d *exampleDatasource) CallResource(_ context.Context, req *backend.CallResourceRequest,
	sender backend.CallResourceResponseSender,
) error {
	if code, ok := strings.CutPrefix(req.Path, "status/"); ok {
		status, err := strconv.Atoi(code)
		if err != nil {
			status = 400
		}
		return sender.Send(&backend.CallResourceResponse{Status: status, Body: []byte(code)})
	}

	if name, ok := strings.CutPrefix(req.Path, "env/"); ok {
		value := os.Getenv(name)
		return sender.Send(&backend.CallResourceResponse{Status: 200, Body: []byte(value)})
	}

	if req.Path == "chunks" {
		return sendChunks(sender)
	}

	body, err := json.Marshal(map[string]string{
		"method": req.Method,
		"path":   req.Path,
		"body":   string(req.Body),
		"name":   req.PluginContext.DataSourceInstanceSettings.Name,
	})
	if err != nil {
		return fmt.Errorf("encoding echo: path=%s: %w", req.Path, err)
	}

	return sender.Send(&backend.CallResourceResponse{
		Status:  200,
		Headers: map[string][]string{"Content-Type": {"application/json"}},
		Body:    body,
	})
}

func sendChunks(sender backend.CallResourceResponseSender) error {
	parts := []*backend.CallResourceResponse{
		{Status: 200, Body: []byte("one,")},
		{Body: []byte("two,")},
		{Body: []byte("three")},
	}
	for i, part := range parts {
		if err := sender.Send(part); err != nil {
			return fmt.Errorf("sending resource part: part=%d: %w", i, err)
		}
	}

	return nil
}

// SubscribeStream allows every path.
func (d *exampleDatasource) SubscribeStream(context.Context, *backend.SubscribeStreamRequest) (
	*backend.SubscribeStreamResponse, error,
) {
	return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusOK}, nil
}

// PublishStream refuses every publication.
func (d *exampleDatasource) PublishStream(context.Context, *backend.PublishStreamRequest) (
	*backend.PublishStreamResponse, error,
) {
	return &backend.PublishStreamResponse{Status: backend.PublishStreamStatusPermissionDenied}, nil
}

// RunStream sends three one-row frames and ends.
func (d *exampleDatasource) RunStream(ctx context.Context, req *backend.RunStreamRequest,
	sender *backend.StreamSender,
) error {
	for i := range 3 {
		frame := data.NewFrame("tick",
			data.NewField("path", nil, []string{req.Path}),
			data.NewField("n", nil, []int64{int64(i)}),
		)
		if err := sender.SendFrame(frame, data.IncludeAll); err != nil {
			return fmt.Errorf("sending stream frame: path=%s n=%d: %w", req.Path, i, err)
		}
		if ctx.Err() != nil {
			return nil
		}
	}

	return nil
}
