package main

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/pflag"

	"github.com/mailpath/mailpath/pkg/logsource"
	"github.com/mailpath/mailpath/pkg/logsource/lokisource"
	"github.com/mailpath/mailpath/pkg/loki"
)

// Secrets come from the environment, never from flags: a flag is visible to
// every user of the machine in the process list.
const (
	envPassword = "MAILPATH_LOKI_PASSWORD"
	envToken    = "MAILPATH_LOKI_TOKEN"
)

// lokiFlags say how to reach Loki and how its labels are named.
type lokiFlags struct {
	url      string
	tenant   string
	user     string
	caFile   string
	insecure bool
	labels   lokisource.Labels
	job      string
	window   time.Duration
	maxLines int
	timeout  time.Duration
}

func (lf *lokiFlags) add(fl *pflag.FlagSet) {
	d := lokisource.DefaultLabels
	fl.StringVar(&lf.url, "loki", "", "read from Loki at this base URL instead of files")
	fl.StringVar(&lf.tenant, "tenant", "", "Loki tenant (X-Scope-OrgID)")
	fl.StringVar(&lf.user, "loki-user", "",
		"basic auth user for Loki; the password is read from "+envPassword)
	fl.StringVar(&lf.caFile, "loki-ca", "", "PEM file of extra CA certificates for Loki")
	fl.BoolVar(&lf.insecure, "loki-insecure", false, "skip TLS certificate verification")
	fl.StringVar(&lf.labels.Host, "label-host", d.Host, "Loki label that holds the host")
	fl.StringVar(&lf.labels.Program, "label-program", d.Program,
		"Loki label that holds the program tag (postfix-mx1/smtpd)")
	fl.StringVar(&lf.labels.Job, "label-job", d.Job, "Loki label that holds the job")
	fl.StringVar(&lf.labels.PID, "label-pid", d.PID, "structured metadata key of the PID")
	fl.StringVar(&lf.job, "job", "", "only read streams with this job label value")
	fl.DurationVar(&lf.window, "loki-window", 24*time.Hour,
		"how far back to look when no --since is given")
	fl.IntVar(&lf.maxLines, "loki-max-lines", 100_000,
		"most lines one query may bring; past it the answer is partial")
	fl.DurationVar(&lf.timeout, "loki-timeout", 30*time.Second, "timeout of one Loki request")
}

func (lf *lokiFlags) open() (logsource.Source, error) {
	cfg := loki.Config{URL: lf.url, Tenant: lf.tenant, Username: lf.user,
		Password: os.Getenv(envPassword), BearerToken: os.Getenv(envToken),
		InsecureSkipVerify: lf.insecure, Timeout: lf.timeout}
	if lf.caFile != "" {
		pem, err := os.ReadFile(lf.caFile)
		if err != nil {
			return nil, fmt.Errorf("reading --loki-ca: path=%s: %w", lf.caFile, err)
		}
		cfg.CAPEM = pem
	}
	c, err := loki.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("configuring loki: %w", err)
	}
	return lokisource.New(c, lokisource.Options{Labels: lf.labels, Job: lf.job,
		Window: lf.window, MaxLines: lf.maxLines})
}
