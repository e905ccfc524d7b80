package plugin

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/stretchr/testify/require"
)

type packets struct{ got chan *backend.StreamPacket }

func (p packets) Send(pk *backend.StreamPacket) error {
	p.got <- pk
	return nil
}

func TestLiveTraceSendsTheEvents(t *testing.T) {
	ds := labFiles(t)
	id := "<plain.edd705@client.lab.mailpath.test>"
	q, err := json.Marshal(map[string]any{"queryType": "trace", "messageId": id})
	require.NoError(t, err)
	sub, err := ds.SubscribeStream(context.Background(), &backend.SubscribeStreamRequest{
		Path: "trace/abc", Data: q})
	require.NoError(t, err)
	require.Equal(t, backend.SubscribeStreamStatusOK, sub.Status)
	bad, err := ds.SubscribeStream(context.Background(), &backend.SubscribeStreamRequest{
		Path: "../etc", Data: q})
	require.NoError(t, err)
	require.Equal(t, backend.SubscribeStreamStatusNotFound, bad.Status)

	// The recorded lab is older than an hour: widen the live window to reach it.
	defer func(d time.Duration) { liveLookback = d }(liveLookback)
	liveLookback = 24 * 365 * time.Hour
	want := query(t, ds, map[string]any{"queryType": "trace", "messageId": id,
		"output": "events"}).Responses["Q0"].Frames[0].Rows()
	require.Positive(t, want)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := packets{got: make(chan *backend.StreamPacket, 4)}
	liveRoundFor := func() (int, error) {
		return ds.liveRound(ctx, &backend.RunStreamRequest{Path: "trace/abc", Data: q},
			backend.NewStreamSender(p), -1)
	}
	n, err := liveRoundFor()
	require.NoError(t, err)
	require.Equal(t, want, n)
	select {
	case pk := <-p.got:
		var f data.Frame
		require.NoError(t, json.Unmarshal(pk.Data, &f))
		require.Equal(t, "events", f.Name)
		require.Equal(t, want, f.Rows())
	case <-time.After(5 * time.Second):
		t.Fatal("no frame sent")
	}
	n, err = ds.liveRound(ctx, &backend.RunStreamRequest{Path: "trace/abc", Data: q},
		backend.NewStreamSender(p), n)
	require.NoError(t, err)
	require.Equal(t, want, n)
	require.Empty(t, p.got, "an unchanged trace is not sent again")
}
