package loki

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLabels(t *testing.T) {
	srv, rec := fixtureServer(t, "12")
	c := newTestClient(t, Config{URL: srv.URL})

	names, err := c.Labels(context.Background(), t0, t0.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, []string{"app", "host", "job", "service_name"}, names)
	require.Equal(t, "/loki/api/v1/labels", rec.paths[0])
	require.Equal(t, "1796293700202716000", rec.param(0, "start"))
}

func TestLabelValues(t *testing.T) {
	tests := []struct {
		name     string
		fixture  string
		label    string
		selector string
		first    string
		count    int
	}{
		{name: "lists the hosts", fixture: "13", label: "host",
			first: "filter1.example.net", count: 7},
		{name: "lists the apps of selected streams", fixture: "14", label: "app",
			selector: `{job="syslog"}`, first: "dovecot", count: 52},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, rec := fixtureServer(t, tt.fixture)
			c := newTestClient(t, Config{URL: srv.URL})

			values, err := c.LabelValues(context.Background(), tt.label,
				t0, t0.Add(time.Hour), tt.selector)
			require.NoError(t, err)
			require.Len(t, values, tt.count)
			require.Equal(t, tt.first, values[0])
			require.Equal(t, "/loki/api/v1/label/"+tt.label+"/values", rec.paths[0])
			require.Equal(t, tt.selector, rec.param(0, "query"))
		})
	}
}

func TestLabelValuesRefusesBadNames(t *testing.T) {
	c := newTestClient(t, Config{URL: "http://127.0.0.1:1"})
	for _, name := range []string{"", "../labels", "host/values", "1st", "a-b", "é"} {
		t.Run("refuses "+name, func(t *testing.T) {
			_, err := c.LabelValues(context.Background(), name, time.Time{}, time.Time{}, "")
			require.ErrorIs(t, err, ErrBadLabelName)
		})
	}
}
