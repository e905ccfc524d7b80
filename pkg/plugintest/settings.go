package plugintest

import (
	"encoding/json"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// DefaultPluginID is the plugin id a [Settings] without PluginID sends; it is the id in
// Mailpath's plugin.json.
const DefaultPluginID = "mailpath-trace-datasource"

// DefaultUserAgent is the user agent a [Settings] without UserAgent sends, in the form the
// SDK's useragent.Parse accepts.
const DefaultUserAgent = "Grafana/13.1.0 (linux; amd64)"

// Settings describes one data source as Grafana would send it with every call. The zero value
// is a valid, empty data source.
//
// The SDK caches one plugin instance per ID, UID and Grafana config and builds a new one only
// when Updated changes, as Grafana does on save: a test that changes JSONData or secrets for
// the same UID must also move Updated, or the plugin keeps answering with the old instance.
type Settings struct {
	ID      int64
	UID     string
	Name    string
	URL     string
	Updated time.Time

	// JSONData is the data source's jsonData object; nil sends {}, as Grafana does for a
	// data source saved with no options, so a plugin may always unmarshal it.
	JSONData json.RawMessage

	// DecryptedSecureJSONData holds the secrets, as Grafana decrypts them for the plugin.
	DecryptedSecureJSONData map[string]string

	BasicAuthEnabled bool
	BasicAuthUser    string

	OrgID         int64
	PluginID      string
	PluginVersion string
	UserAgent     string

	// User is the signed-in user; nil sends none, as for alert evaluations.
	User *pluginv2.User

	// GrafanaConfig is what Grafana shares of its own configuration (GF_APP_URL and so on).
	GrafanaConfig map[string]string
}

// PluginContext builds the context Grafana attaches to each request for this data source.
func (s Settings) PluginContext() *pluginv2.PluginContext {
	return &pluginv2.PluginContext{
		OrgId:                      s.OrgID,
		PluginId:                   orDefault(s.PluginID, DefaultPluginID),
		PluginVersion:              s.PluginVersion,
		UserAgent:                  orDefault(s.UserAgent, DefaultUserAgent),
		User:                       s.User,
		GrafanaConfig:              s.GrafanaConfig,
		DataSourceInstanceSettings: s.instanceSettings(),
	}
}

func (s Settings) instanceSettings() *pluginv2.DataSourceInstanceSettings {
	var updated int64
	if !s.Updated.IsZero() {
		updated = s.Updated.UnixMilli()
	}
	jsonData := s.JSONData
	if jsonData == nil {
		jsonData = json.RawMessage("{}")
	}

	return &pluginv2.DataSourceInstanceSettings{
		Id:                      s.ID,
		Uid:                     s.UID,
		Name:                    s.Name,
		Url:                     s.URL,
		BasicAuthEnabled:        s.BasicAuthEnabled,
		BasicAuthUser:           s.BasicAuthUser,
		JsonData:                jsonData,
		DecryptedSecureJsonData: s.DecryptedSecureJSONData,
		LastUpdatedMS:           updated,
	}
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}

	return v
}
