import { DataSourceSettings } from '@grafana/data';

import { MailpathOptions, MailpathSecureOptions } from './types';

/** Settings are the data source settings the config editor edits. */
export type Settings = DataSourceSettings<MailpathOptions, MailpathSecureOptions>;

/** SecretKey names one secret; secrets live only in secureJsonData. */
export type SecretKey = keyof MailpathSecureOptions;

/** withJson returns s with patch merged into jsonData. */
export function withJson(s: Settings, patch: Partial<MailpathOptions>): Settings {
  return { ...s, jsonData: { ...s.jsonData, ...patch } };
}

/** withSecret returns s with a new value for one secret, written to secureJsonData only. */
export function withSecret(s: Settings, key: SecretKey, value: string): Settings {
  return { ...s, secureJsonData: { ...s.secureJsonData, [key]: value } };
}

/** withoutSecret returns s with one stored secret marked for removal on save. */
export function withoutSecret(s: Settings, key: SecretKey): Settings {
  return {
    ...s,
    secureJsonFields: { ...s.secureJsonFields, [key]: false },
    secureJsonData: { ...s.secureJsonData, [key]: '' },
  };
}

/** pathLines splits the file-list text into paths, keeping blank lines while typing. */
export function pathLines(text: string, keepBlank: boolean): string[] {
  const lines = text.split('\n');
  return keepBlank ? lines : lines.map((l) => l.trim()).filter((l) => l !== '');
}

/**
 * wholeSeconds parses a number input into the whole seconds the backend reads as an int; empty,
 * invalid or sub-second text clears the setting, so the backend's default applies.
 */
export function wholeSeconds(text: string): number | undefined {
  const n = Math.floor(Number(text));
  return text.trim() === '' || !Number.isFinite(n) || n < 1 ? undefined : n;
}
