import { createContext } from 'react';

import { EventRow } from './types';

/** LineQuery names the node or the edge whose lines the drawer wants, by the trace's Message-ID. */
export interface LineQuery {
  messageId: string;
  node?: string;
  edge?: string;
  /** from and to bound the trace, in epoch milliseconds: the panel's query range. */
  from?: number;
  to?: number;
}

/** lineParams are the lines resource's URL parameters for a query. */
export function lineParams(q: LineQuery): Record<string, string> {
  const out: Record<string, string> = { messageId: q.messageId };
  if (q.node !== undefined) {
    out.node = q.node;
  }
  if (q.edge !== undefined) {
    out.edge = q.edge;
  }
  if (q.from !== undefined && q.to !== undefined) {
    out.from = String(Math.floor(q.from));
    out.to = String(Math.ceil(q.to));
  }
  return out;
}

/**
 * LineFetcher asks the data source for the log lines of a node or an edge (its `lines`
 * resource). The Grafana module supplies one built on the backend service; a test page
 * supplies one built on fetch. The panel's own code never imports @grafana/runtime.
 */
export type LineFetcher = (datasourceUid: string, q: LineQuery) => Promise<EventRow[]>;

export const LineFetcherContext = createContext<LineFetcher | undefined>(undefined);

/** resourcePath is the URL path of the lines resource, as Grafana proxies it. */
export function resourcePath(datasourceUid: string): string {
  return `/api/datasources/uid/${encodeURIComponent(datasourceUid)}/resources/lines`;
}

/** LineJSON is one line as the lines resource sends it. */
export interface LineJSON {
  time: string;
  host: string;
  program: string;
  queue_id: string;
  kind: string;
  status: string;
  to: string;
  dsn?: string;
  delay?: number;
  delays?: string;
  relay?: string;
  reply?: string;
  line: string;
  node?: string;
  edge?: string;
  notice?: string;
}

/** fromJSON turns the resource's lines into rows; a bad answer is an error naming it. */
export function fromJSON(body: unknown): EventRow[] {
  if (!Array.isArray(body)) {
    throw new Error(`the lines resource answered ${typeof body}, not a list of lines`);
  }
  return (body as LineJSON[]).map((l) => ({
    time: Date.parse(l.time),
    line: l.line ?? '',
    host: l.host ?? '',
    program: l.program ?? '',
    queueId: l.queue_id ?? '',
    kind: l.kind ?? '',
    status: l.status ?? '',
    recipient: l.to ?? '',
    node: l.node ?? '',
    edge: l.edge ?? '',
    dsn: l.dsn ?? '',
    delay: l.delay,
    delays: l.delays ?? '',
    relay: l.relay ?? '',
    reply: l.reply ?? '',
    notice: l.notice ?? '',
  }));
}
