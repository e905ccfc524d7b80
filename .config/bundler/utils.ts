import fs from 'fs';
import process from 'process';
import os from 'os';
import path from 'path';
import { glob } from 'glob';
import { PLUGIN_JSON, SOURCE_DIR } from './constants.ts';

export function isWSL() {
  if (process.platform !== 'linux') {
    return false;
  }

  if (os.release().toLowerCase().includes('microsoft')) {
    return true;
  }

  try {
    return fs.readFileSync('/proc/version', 'utf8').toLowerCase().includes('microsoft');
  } catch {
    return false;
  }
}

function loadJson(path: string) {
  const rawJson = fs.readFileSync(path, 'utf8');
  return JSON.parse(rawJson);
}

export function getPackageJson() {
  return loadJson(path.resolve(process.cwd(), 'package.json'));
}

export function getPluginJson() {
  return loadJson(path.resolve(process.cwd(), PLUGIN_JSON));
}

export function getCPConfigVersion() {
  const cprcJson = path.resolve(process.cwd(), './.config', '.cprc.json');
  return fs.existsSync(cprcJson) ? loadJson(cprcJson).version : { version: 'unknown' };
}

export function hasReadme() {
  return fs.existsSync(path.resolve(process.cwd(), SOURCE_DIR, 'README.md'));
}

// The root plugin.json belongs to src/module.ts; nested plugins (a plugin.json in a folder of
// src/ with a sibling module file) are bundled to <folder>/module.js as in the template.
export async function getEntries() {
  const root = await glob(`${SOURCE_DIR}/module.{ts,tsx,js,jsx}`, { absolute: true });
  const entries: Record<string, string> = root.length > 0 ? { module: root[0] } : {};
  const nested = await glob(`${SOURCE_DIR}/*/**/plugin.json`, { absolute: true });

  for (const pluginJson of nested) {
    const folder = path.dirname(pluginJson);
    const modules = await glob(`${folder}/module.{ts,tsx,js,jsx}`, { absolute: true });
    const name = path.relative(path.resolve(process.cwd(), SOURCE_DIR), folder);
    if (modules.length > 0) {
      entries[`${name}/module`] = modules[0];
    }
  }
  return entries;
}
