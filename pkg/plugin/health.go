package plugin

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mailpath/mailpath/pkg/event"
	"github.com/mailpath/mailpath/pkg/logsource"
	"github.com/mailpath/mailpath/pkg/loki"
	"github.com/mailpath/mailpath/pkg/parse"
)

// sampleLines is how many recent lines the health check parses to tell how
// much of the log Mailpath understands.
const sampleLines = 500

// CheckHealth tells apart the failures an administrator meets setting up:
// bad settings, Loki unreachable or refusing, a tenant with no logs, logs
// without the labels Mailpath reads, and logs it cannot parse.
func (ds *Datasource) CheckHealth(ctx context.Context, _ *backend.CheckHealthRequest) (
	*backend.CheckHealthResult, error) {
	if ds.settingsErr != nil {
		return unhealthy("Settings: " + ds.settingsErr.Error()), nil
	}
	if ds.settings.Source == SourceFiles {
		return ds.checkFiles(), nil
	}
	return ds.checkLoki(ctx), nil
}

func unhealthy(msg string) *backend.CheckHealthResult {
	return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: msg}
}

func (ds *Datasource) checkLoki(ctx context.Context) *backend.CheckHealthResult {
	client, err := ds.settings.lokiClient()
	if err != nil {
		return unhealthy("Loki settings: " + err.Error())
	}
	end := time.Now()
	start := end.Add(-24 * time.Hour)
	names, err := client.Labels(ctx, start, end)
	if err != nil {
		return unhealthy(lokiProblem(ds.settings.LokiURL, err))
	}
	if len(names) == 0 {
		return unhealthy(fmt.Sprintf("Loki at %s answered, but holds no logs for tenant %q in "+
			"the last 24 hours: check the tenant (X-Scope-OrgID) and that logs are shipped.",
			ds.settings.LokiURL, ds.settings.Tenant))
	}
	labels := ds.settings.labels()
	for _, want := range []string{labels.Host, labels.Program} {
		if !slices.Contains(names, want) {
			return unhealthy(fmt.Sprintf("Loki holds logs, but none with the label %q "+
				"(labels seen: %v): set the label names in these settings, or relabel the "+
				"syslog receiver as provisioning/ingestion does.", want, names))
		}
	}
	return ds.sample(ctx, "Loki at "+ds.settings.LokiURL)
}

// lokiProblem words a failed Loki call for the health check.
func lokiProblem(url string, err error) string {
	var lokiErr *loki.Error
	if errors.As(err, &lokiErr) {
		return fmt.Sprintf("Loki at %s refused the request (status %d): %s", url,
			lokiErr.Status, lokiErr.Message)
	}
	return fmt.Sprintf("Loki at %s is not reachable: %v", url, err)
}

// sample parses recent lines and reports how many Mailpath understood.
func (ds *Datasource) sample(ctx context.Context, what string) *backend.CheckHealthResult {
	src, err := ds.source()
	if err != nil {
		return unhealthy(err.Error())
	}
	res, err := src.Find(ctx, logsource.Query{Terms: []logsource.Term{{}},
		Since: time.Now().Add(-time.Hour)})
	if err != nil {
		return unhealthy(fmt.Sprintf("%s: reading a sample of recent lines: %v", what, err))
	}
	return sampleResult(what, res.Events)
}

func sampleResult(what string, events []event.Event) *backend.CheckHealthResult {
	events = events[max(0, len(events)-sampleLines):]
	parsed := 0
	for _, ev := range events {
		if ev.Kind != event.KindUnparsed {
			parsed++
		}
	}
	if len(events) == 0 {
		return &backend.CheckHealthResult{Status: backend.HealthStatusOk,
			Message: what + " is working, but sent no line in the last hour to sample."}
	}
	if parsed == 0 {
		return unhealthy(fmt.Sprintf("%s: none of %d sampled lines is a mail log line "+
			"Mailpath understands: check that these are the mail servers' syslog lines.",
			what, len(events)))
	}
	return &backend.CheckHealthResult{Status: backend.HealthStatusOk, Message: fmt.Sprintf(
		"%s is working: Mailpath understood %d of %d sampled recent lines.", what, parsed,
		len(events))}
}

// checkFiles opens the configured files and parses the first lines.
func (ds *Datasource) checkFiles() *backend.CheckHealthResult {
	if _, err := ds.source(); err != nil {
		return unhealthy("Log files: " + err.Error())
	}
	loc, _ := ds.settings.location()
	var events []event.Event
	for _, path := range ds.settings.LogFiles {
		evs, err := headEvents(path, loc)
		if err != nil {
			return unhealthy("Log files: " + err.Error())
		}
		events = append(events, evs...)
	}
	return sampleResult(fmt.Sprintf("%d log file(s)", len(ds.settings.LogFiles)), events)
}

func headEvents(path string, loc *time.Location) ([]event.Event, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening log file: path=%s: %w", path, err)
	}
	defer fh.Close()
	p := parse.New(time.Now(), loc)
	var out []event.Event
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := int64(1); n <= sampleLines && sc.Scan(); n++ {
		out = append(out, p.Line(sc.Bytes(), path, n))
	}
	return out, nil
}
