import { urlUtil } from '@grafana/data';

/** DATASOURCE_TYPE is the plugin id of the Mailpath data source. */
export const DATASOURCE_TYPE = 'mailpath-trace-datasource';

/**
 * exploreUrl opens Explore on the lines the drawer shows: a Mailpath trace query for the
 * Message-ID with only the events frame, kept to one node or edge, over a range that holds the
 * lines (padded by a minute each way, since hosts' clocks differ a little).
 */
export function exploreUrl(
  uid: string,
  messageId: string,
  target: { node?: string; edge?: string },
  times: number[]
): string {
  const ok = times.filter((t) => Number.isFinite(t));
  const pad = 60_000;
  const now = Date.now();
  const from = ok.length > 0 ? Math.min(...ok) - pad : now - 3_600_000;
  const to = ok.length > 0 ? Math.max(...ok) + pad : now;
  const pane = {
    datasource: uid,
    queries: [
      {
        refId: 'A',
        datasource: { uid, type: DATASOURCE_TYPE },
        queryType: 'trace',
        messageId,
        output: 'events',
        ...target,
      },
    ],
    range: { from: String(from), to: String(to) },
  };
  return urlUtil.renderUrl('/explore', { schemaVersion: 1, panes: JSON.stringify({ mp: pane }) });
}
