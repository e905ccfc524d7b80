package plugintest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Executable is the executable name in Mailpath's plugin.json; Grafana runs it with the
// platform appended, as gpx_mailpath_linux_amd64.
const Executable = "gpx_mailpath"

// BuildPlugin builds the Mailpath plugin (the main package at ./pkg of this module) into a
// temporary directory and returns the executable's path, named as Grafana expects it for the
// running platform. It fails tb if pkg/main.go is missing or the build fails. Each call links
// a fresh binary, so build once per test function and share it between subtests.
func BuildPlugin(tb testing.TB) string {
	tb.Helper()

	root, err := moduleRoot()
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "pkg", "main.go")); err != nil {
		tb.Fatalf("building plugin: no main package at ./pkg (pkg/main.go): %v", err)
	}

	return BuildPackage(tb, "./pkg", Executable)
}

// BuildPackage builds the main package pkg, a path relative to the module root, into a
// temporary directory of tb with [Build] and returns the executable's path. It fails tb if the
// build fails.
func BuildPackage(tb testing.TB, pkg, name string) string {
	tb.Helper()

	out, err := Build(tb.TempDir(), pkg, name)
	if err != nil {
		tb.Fatal(err)
	}

	return out
}

// Build builds the main package pkg, a path relative to the root of the module governing the
// working directory, into dir as <name>_<GOOS>_<GOARCH> and returns its path; TestMain uses it
// to build once for a whole test binary. It builds as the SDK's mage targets do (CGO off, tag
// arrow_json_stdlib) but without their stripping and build info, which is faster; test the
// mage build on its own.
func Build(dir, pkg, name string) (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}

	out := filepath.Join(dir, fmt.Sprintf("%s_%s_%s", name, runtime.GOOS, runtime.GOARCH))
	cmd := exec.Command(goTool(), "build", "-tags", "arrow_json_stdlib", "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")

	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building plugin: package=%s: %w\n%s", pkg, err, msg)
	}

	return out, nil
}

// moduleRoot is the directory of the go.mod governing the working directory.
func moduleRoot() (string, error) {
	msg, err := exec.Command(goTool(), "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("finding module root: %w", err)
	}
	gomod := strings.TrimSpace(string(msg))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("finding module root: %w", ErrNoModule)
	}

	return filepath.Dir(gomod), nil
}

// goTool prefers the go command that built the test, falling back to the one on PATH.
func goTool() string {
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(gobin); err == nil {
		return gobin
	}

	return "go"
}
