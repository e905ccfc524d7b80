// Command gpx_mailpath is Mailpath's Grafana data source backend. Grafana
// starts it and talks to it over the plugin SDK's gRPC protocol.
package main

import (
	"os"

	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/mailpath/mailpath/pkg/plugin"
)

// pluginID must equal the id in plugin.json.
const pluginID = "mailpath-trace-datasource"

func main() {
	err := datasource.Manage(pluginID, plugin.NewDatasource, datasource.ManageOpts{})
	if err != nil {
		log.DefaultLogger.Error("Plugin stopped", "error", err)
		os.Exit(1)
	}
}
