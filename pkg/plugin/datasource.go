// Package plugin is Mailpath's Grafana data source: it answers trace and
// search queries with node-graph, event and table frames, serves the
// panel's resource calls and checks its settings' health.
//
// Each request opens its log source anew from the instance's settings: the
// sources keep per-call state and Grafana calls a data source concurrently.
package plugin

import (
	"context"
	"net/http"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"
	"github.com/grafana/grafana-plugin-sdk-go/backend/resource/httpadapter"

	"github.com/mailpath/mailpath/pkg/logsource"
	"github.com/mailpath/mailpath/pkg/route"
)

// Datasource is one configured Mailpath data source.
type Datasource struct {
	settings    Settings
	settingsErr error     // reported by CheckHealth and by every query
	routeDB     *route.DB // the expected routes; nil when none are set
	uid, name   string
	queries     *datasource.QueryTypeMux
	resources   backend.CallResourceHandler
}

var (
	_ backend.QueryDataHandler      = (*Datasource)(nil)
	_ backend.CheckHealthHandler    = (*Datasource)(nil)
	_ backend.CallResourceHandler   = (*Datasource)(nil)
	_ instancemgmt.InstanceDisposer = (*Datasource)(nil)
)

// NewDatasource makes an instance from its settings. Bad settings do not
// fail here: the instance keeps the error and says it in the health check
// and in each query's answer, where a person sees it.
func NewDatasource(_ context.Context, s backend.DataSourceInstanceSettings) (
	instancemgmt.Instance, error) {
	cfg, err := LoadSettings(s)
	ds := &Datasource{settings: cfg, settingsErr: err, uid: s.UID, name: s.Name}
	if err == nil {
		ds.routeDB, _ = cfg.routes() // checked by LoadSettings
	}
	ds.queries = datasource.NewQueryTypeMux()
	ds.queries.HandleFunc(QueryTypeTrace, ds.handleTrace)
	ds.queries.HandleFunc(QueryTypeSearch, ds.handleSearch)
	ds.queries.HandleFunc(QueryTypeTopology, ds.handleTopology)
	ds.queries.HandleFunc("", ds.handleUnknown)
	mux := http.NewServeMux()
	ds.routes(mux)
	ds.resources = httpadapter.New(cleanPaths(mux))
	return ds, nil
}

// Dispose is called when the settings change; nothing outlives a request.
func (ds *Datasource) Dispose() {}

// QueryData routes each query by its type.
func (ds *Datasource) QueryData(ctx context.Context, req *backend.QueryDataRequest) (
	*backend.QueryDataResponse, error) {
	return ds.queries.QueryData(ctx, req)
}

// CallResource serves the resource routes.
func (ds *Datasource) CallResource(ctx context.Context, req *backend.CallResourceRequest,
	sender backend.CallResourceResponseSender) error {
	return ds.resources.CallResource(ctx, req, sender)
}

// source opens the configured log source for one request.
func (ds *Datasource) source() (logsource.Source, error) {
	if ds.settingsErr != nil {
		return nil, ds.settingsErr
	}
	src, _, err := ds.settings.openSource()
	return src, err
}

func (ds *Datasource) handleUnknown(_ context.Context, req *backend.QueryDataRequest) (
	*backend.QueryDataResponse, error) {
	resp := backend.NewQueryDataResponse()
	for _, q := range req.Queries {
		resp.Responses[q.RefID] = backend.ErrDataResponseWithSource(backend.StatusBadRequest,
			backend.ErrorSourceDownstream, "unknown query type "+quote(q.QueryType)+
				": want trace, search or topology")
	}
	return resp, nil
}
