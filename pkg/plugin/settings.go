package plugin

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/mailpath/mailpath/pkg/logsource"
	"github.com/mailpath/mailpath/pkg/logsource/file"
	"github.com/mailpath/mailpath/pkg/logsource/lokisource"
	"github.com/mailpath/mailpath/pkg/loki"
	"github.com/mailpath/mailpath/pkg/route"
)

// Source kinds a data source reads from.
const (
	SourceLoki  = "loki"
	SourceFiles = "files"
)

// Settings is a data source's configuration. File paths and the Loki URL
// live here and nowhere else: only an administrator edits data source
// settings, so no query, variable or resource call can make the Grafana
// server read a file or call a host of a viewer's choosing.
type Settings struct {
	Source         string   `json:"source"`
	LokiURL        string   `json:"lokiUrl"`
	Tenant         string   `json:"tenant"`
	LokiUser       string   `json:"lokiUser"`
	LabelHost      string   `json:"labelHost"`
	LabelProgram   string   `json:"labelProgram"`
	LabelJob       string   `json:"labelJob"`
	LabelPID       string   `json:"labelPid"`
	Job            string   `json:"job"`
	LogFiles       []string `json:"logFiles"`
	Timezone       string   `json:"timezone"`
	Window         string   `json:"window"`
	TimeoutSeconds int      `json:"timeoutSeconds"`
	TLSSkipVerify  bool     `json:"tlsSkipVerify"`
	// RoutesYAML holds the expected routes, in the route file format.
	RoutesYAML string `json:"routesYaml"`

	// Secrets, from secureJsonData only.
	lokiPassword string
	lokiToken    string
	tlsCACert    string
}

// LoadSettings reads and checks instance settings. Its errors name the
// setting and say what is expected; the health check shows them.
func LoadSettings(s backend.DataSourceInstanceSettings) (Settings, error) {
	var cfg Settings
	if len(s.JSONData) > 0 {
		if err := json.Unmarshal(s.JSONData, &cfg); err != nil {
			return cfg, fmt.Errorf("reading settings: %w: %w", ErrBadSettings, err)
		}
	}
	cfg.lokiPassword = s.DecryptedSecureJSONData["lokiPassword"]
	cfg.lokiToken = s.DecryptedSecureJSONData["lokiToken"]
	cfg.tlsCACert = s.DecryptedSecureJSONData["tlsCACert"]
	if cfg.Source == "" {
		cfg.Source = SourceLoki
		if cfg.LokiURL == "" && len(cfg.LogFiles) > 0 {
			cfg.Source = SourceFiles
		}
	}
	return cfg, cfg.check()
}

func (c Settings) check() error {
	switch c.Source {
	case SourceLoki:
		if strings.TrimSpace(c.LokiURL) == "" {
			return fmt.Errorf("setting lokiUrl: %w: give Loki's base URL, "+
				"e.g. http://loki:3100", ErrBadSettings)
		}
	case SourceFiles:
		if len(c.LogFiles) == 0 {
			return fmt.Errorf("setting logFiles: %w: give at least one log file path",
				ErrBadSettings)
		}
	default:
		return fmt.Errorf("setting source: value=%q: %w: want %q or %q", c.Source,
			ErrBadSettings, SourceLoki, SourceFiles)
	}
	if _, err := c.window(); err != nil {
		return err
	}
	if _, err := c.location(); err != nil {
		return err
	}
	if _, err := c.routes(); err != nil {
		return err
	}
	return nil
}

// routes parses the expected routes; nil when none are set. Errors give the
// line and column in the routes text.
func (c Settings) routes() (*route.DB, error) {
	if strings.TrimSpace(c.RoutesYAML) == "" {
		return nil, nil
	}
	db, err := route.Parse("routesYaml", []byte(c.RoutesYAML))
	if err != nil {
		return nil, fmt.Errorf("setting routesYaml: %w: %w", ErrBadSettings, err)
	}
	return db, nil
}

func (c Settings) window() (time.Duration, error) {
	if c.Window == "" {
		return 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(c.Window)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("setting window: value=%q: %w: want a duration such as 24h",
			c.Window, ErrBadSettings)
	}
	return d, nil
}

func (c Settings) location() (*time.Location, error) {
	if c.Timezone == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return nil, fmt.Errorf("setting timezone: value=%q: %w: want an IANA zone name",
			c.Timezone, ErrBadSettings)
	}
	return loc, nil
}

func (c Settings) labels() lokisource.Labels {
	l := lokisource.DefaultLabels
	for _, set := range []struct {
		v   string
		dst *string
	}{{c.LabelHost, &l.Host}, {c.LabelProgram, &l.Program}, {c.LabelJob, &l.Job},
		{c.LabelPID, &l.PID}} {
		if set.v != "" {
			*set.dst = set.v
		}
	}
	return l
}

// lokiClient builds the Loki client the settings describe.
func (c Settings) lokiClient() (*loki.Client, error) {
	cfg := loki.Config{URL: c.LokiURL, Tenant: c.Tenant, Username: c.LokiUser,
		Password: c.lokiPassword, BearerToken: c.lokiToken, InsecureSkipVerify: c.TLSSkipVerify,
		Timeout: time.Duration(c.TimeoutSeconds) * time.Second}
	if c.tlsCACert != "" {
		cfg.CAPEM = []byte(c.tlsCACert)
	}
	return loki.New(cfg)
}

// openSource opens the log source the settings name.
func (c Settings) openSource() (logsource.Source, *loki.Client, error) {
	if c.Source == SourceFiles {
		loc, _ := c.location()
		src, err := file.Open(c.LogFiles, file.Options{Location: loc})
		return src, nil, err
	}
	client, err := c.lokiClient()
	if err != nil {
		return nil, nil, fmt.Errorf("setting up loki: %w", err)
	}
	window, _ := c.window()
	src, err := lokisource.New(client, lokisource.Options{Labels: c.labels(), Job: c.Job,
		Window: window})
	return src, client, err
}
