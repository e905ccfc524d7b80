package labkey

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadFixture(t *testing.T) {
	k, err := Load(filepath.Join("testdata", "key.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Hosts) != 5 || len(k.Scenarios) != 2 {
		t.Fatalf("got %d hosts, %d scenarios; want 5, 2", len(k.Hosts), len(k.Scenarios))
	}
	if h, ok := k.Host("ext"); !ok || h.Logged || h.Role != "ext" {
		t.Errorf("Host(ext) = %+v, %v; want a host that is not logged", h, ok)
	}
	s, ok := k.Scenario("multi")
	if !ok {
		t.Fatal("no scenario multi")
	}
	if s.SMTP.QueueID != "BC8F69848DB" || !s.SMTP.Accepted {
		t.Errorf("multi smtp = %+v", s.SMTP)
	}
	if s.DSN == nil || s.DSN.DeliveredTo != "alice@store.lab.mailpath.test" {
		t.Errorf("multi dsn = %+v", s.DSN)
	}
	bounced := s.Recipients[1]
	if bounced.Disposition != Bounced || strings.Join(bounced.Path, " ") != "mx1 filter2 out" ||
		bounced.QueueIDs["out"] != "E1615984901" {
		t.Errorf("bounced recipient = %+v", bounced)
	}
	r, _ := k.Scenario("reject")
	if r.DSN != nil || r.SMTP.Accepted || r.Recipients[0].Disposition != Rejected {
		t.Errorf("reject = %+v", r)
	}
	if _, ok := k.Scenario("nope"); ok {
		t.Error("Scenario(nope) found")
	}
}

// The key of the bundled lab run must load too.
func TestLoadRecorded(t *testing.T) {
	path := filepath.Join("..", "..", "lab", "recorded", "key.json")
	if _, err := os.Stat(path); err != nil {
		t.Skip("no recorded lab run:", err)
	}
	k, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Scenarios) == 0 {
		t.Fatal("no scenarios")
	}
}

func TestLoadErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]string{
		"missing.json": "",
		"syntax.json":  `{"hosts": [`,
		"unknown.json": `{"hosts": [{"name": "mx1"}], "scenarios": [], "extra": 1}`,
		"disp.json": `{"hosts": [{"name": "mx1"}], "scenarios": [{"name": "a",
			"message_id": "<a@b>", "entry_host": "mx1",
			"recipients": [{"address": "x@y", "disposition": "lost"}]}]}`,
		"host.json": `{"hosts": [{"name": "mx1"}], "scenarios": [{"name": "a",
			"message_id": "<a@b>", "entry_host": "mx9"}]}`,
		"empty.json": `{"hosts": [], "scenarios": []}`,
	}
	for name, text := range cases {
		path := filepath.Join(dir, name)
		if text != "" {
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		_, err := Load(path)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %q does not name the file", name, err)
		}
	}
}
