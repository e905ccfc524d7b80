import fs from 'fs';
import path from 'path';

import { DEFAULT_OPTIONS } from './types';

const root = path.resolve(__dirname, '..', '..');
const read = (p: string) => fs.readFileSync(path.join(root, p), 'utf8');

describe('the provisioned dashboard', () => {
  const dash = JSON.parse(read('provisioning/dashboards/mailpath-trace.json'));
  const panelId = JSON.parse(read('src/panel/plugin.json')).id;
  // The provisioned data source's uid, read from its YAML without a YAML library.
  const uid = /^\s+uid:\s*(\S+)\s*$/m.exec(read('provisioning/datasources/mailpath.yaml'))?.[1];

  it('draws the path map with this plugin and options it knows', () => {
    const map = dash.panels.find((p: { type: string }) => p.type === panelId);
    expect(map).toBeDefined();
    expect(Object.keys(map.options).sort()).toEqual(Object.keys(DEFAULT_OPTIONS).sort());
    expect(map.targets[0]).toMatchObject({ queryType: 'trace', messageId: '${message_id}' });
  });

  it('queries the provisioned data source', () => {
    expect(uid).toBe('mailpath');
    for (const p of dash.panels) {
      expect(p.datasource.uid).toBe(uid);
      for (const t of p.targets) {
        expect(t.datasource).toEqual({ type: 'mailpath-trace-datasource', uid });
      }
    }
  });
});
