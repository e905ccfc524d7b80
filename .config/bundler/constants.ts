export const SOURCE_DIR = 'src';
export const DIST_DIR = 'dist';
// Mailpath keeps plugin.json at the repository root, beside go.mod, not in src/.
export const PLUGIN_JSON = 'plugin.json';
