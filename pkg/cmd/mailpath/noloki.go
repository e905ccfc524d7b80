package main

import (
	"fmt"

	"github.com/spf13/pflag"

	"github.com/mailpath/mailpath/pkg/logsource"
)

// lokiFlags is a stand-in until the Loki source lands.
type lokiFlags struct{ url string }

func (lf *lokiFlags) add(fl *pflag.FlagSet) {
	fl.StringVar(&lf.url, "loki", "", "Loki base URL")
}

func (lf *lokiFlags) open() (logsource.Source, error) {
	return nil, fmt.Errorf("reading --loki: not built yet")
}
