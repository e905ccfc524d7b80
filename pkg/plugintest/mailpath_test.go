package plugintest_test

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/stretchr/testify/require"

	"github.com/mailpath/mailpath/pkg/plugintest"
)

// TestMailpathPluginStarts launches the real plugin: a data source saved with no settings
// answers its health check with an error result, not a gRPC error.
func TestMailpathPluginStarts(t *testing.T) {
	h := plugintest.Start(t, plugintest.BuildPlugin(t))

	empty := plugintest.Settings{UID: "empty", Name: "Empty"}
	res, err := h.CheckHealth(context.Background(), empty)
	require.NoError(t, err)

	require.Equal(t, pluginv2.CheckHealthResponse_ERROR, res.GetStatus())
	require.NotEmpty(t, res.GetMessage())
}

// TestMageBuildLinux runs `go tool mage -v build:linux` on a copy of the module's build inputs
// and starts what lands in dist/, proving the Magefile finds the root plugin.json and ./pkg.
func TestMageBuildLinux(t *testing.T) {
	if testing.Short() {
		t.Skip("mage links a stripped static binary; skipped with -short")
	}
	root := repoRoot(t)
	dir := t.TempDir()
	copyBuildInputs(t, root, dir)

	cmd := exec.Command("go", "tool", "mage", "-v", "build:linux")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "mage output:\n%s", out)

	bin := filepath.Join(dir, "dist", "gpx_mailpath_linux_amd64")
	require.FileExists(t, bin)
	require.FileExists(t, filepath.Join(dir, "dist", "go_plugin_build_manifest"))
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		return
	}

	h := plugintest.Start(t, bin)
	_, err = h.CheckHealth(context.Background(), plugintest.Settings{UID: "empty"})
	require.NoError(t, err)
}

func repoRoot(t *testing.T) string {
	t.Helper()

	out, err := exec.Command("go", "env", "GOMOD").Output()
	require.NoError(t, err)

	return filepath.Dir(strings.TrimSpace(string(out)))
}

// copyBuildInputs copies what mage reads: the module files, the Magefile, plugin.json,
// package.json (the version) and the non-test Go sources under pkg/.
func copyBuildInputs(t *testing.T, root, dir string) {
	t.Helper()

	names := []string{"go.mod", "go.sum", "Magefile.go", "plugin.json", "package.json"}
	for _, name := range names {
		copyFile(t, filepath.Join(root, name), filepath.Join(dir, name))
	}

	copySource := func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return fs.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}

		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		copyFile(t, p, filepath.Join(dir, rel))
		return nil
	}
	require.NoError(t, filepath.WalkDir(filepath.Join(root, "pkg"), copySource))
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()

	b, err := os.ReadFile(from)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Dir(to), 0o755))
	require.NoError(t, os.WriteFile(to, b, 0o644))
}
