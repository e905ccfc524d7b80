import { exploreUrl } from './explore';

describe('exploreUrl', () => {
  it('opens Explore on the events of one node of the trace, around the lines’ times', () => {
    const t0 = Date.parse('2026-12-01T10:00:00Z');
    const url = exploreUrl('mp-uid', '<a@b>', { node: 'host:mx1' }, [t0, t0 + 5000]);
    expect(url.startsWith('/explore?')).toBe(true);
    const params = new URLSearchParams(url.slice('/explore?'.length));
    expect(params.get('schemaVersion')).toBe('1');
    const pane = JSON.parse(params.get('panes') ?? '{}').mp;
    expect(pane.datasource).toBe('mp-uid');
    expect(pane.queries[0]).toEqual({
      refId: 'A',
      datasource: { uid: 'mp-uid', type: 'mailpath-trace-datasource' },
      queryType: 'trace',
      messageId: '<a@b>',
      output: 'events',
      node: 'host:mx1',
    });
    expect(pane.range).toEqual({ from: String(t0 - 60_000), to: String(t0 + 65_000) });
  });
});
