import { Observable } from 'rxjs';

import {
  CoreApp,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceInstanceSettings,
  MetricFindValue,
  QueryFixAction,
  ScopedVars,
  TimeRange,
} from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv } from '@grafana/runtime';

import {
  DEFAULT_QUERY,
  hasSeed,
  MailpathEvent,
  MailpathOptions,
  MailpathQuery,
  migrate,
  SeedKind,
  SuggestKind,
  withSeed,
} from './types';

// Keys that identify a query rather than say what it asks; never interpolated.
const NOT_TEMPLATED = new Set(['refId', 'key', 'datasource', 'queryType']);

// Filter keys a log or table row hands to modifyQuery, mapped to the seed they start.
const FILTER_SEEDS: Record<string, SeedKind> = {
  message_id: 'messageId',
  messageId: 'messageId',
  queue_id: 'queueId',
  queueId: 'queueId',
  sender: 'sender',
  from: 'sender',
  recipient: 'recipient',
  to: 'recipient',
  tag: 'tag',
};

/** DataSource is the frontend of the Mailpath backend data source. */
export class DataSource extends DataSourceWithBackend<MailpathQuery, MailpathOptions> {
  constructor(instanceSettings: DataSourceInstanceSettings<MailpathOptions>) {
    super(instanceSettings);
  }

  getDefaultQuery(_app: CoreApp): Partial<MailpathQuery> {
    return DEFAULT_QUERY;
  }

  /** query adds $__from and $__to of the request's range to its scoped variables. */
  query(request: DataQueryRequest<MailpathQuery>): Observable<DataQueryResponse> {
    const scopedVars = { ...rangeVars(request.range), ...request.scopedVars };
    return super.query({ ...request, scopedVars });
  }

  /** filterQuery drops hidden queries and traces without a seed, which the backend refuses. */
  filterQuery(query: MailpathQuery): boolean {
    if (query.hide) {
      return false;
    }
    const q = migrate(query);
    return q.queryType !== 'trace' || hasSeed(q);
  }

  /**
   * applyTemplateVariables replaces variables in every string field. A list field such as
   * entryHosts expands a multi-value variable into one entry per value.
   */
  applyTemplateVariables(query: MailpathQuery, scopedVars: ScopedVars): MailpathQuery {
    const srv = getTemplateSrv();
    const out: Record<string, unknown> = { ...migrate(query) };
    for (const [key, value] of Object.entries(out)) {
      if (NOT_TEMPLATED.has(key)) {
        continue;
      }
      if (typeof value === 'string') {
        out[key] = srv.replace(value, scopedVars);
      } else if (Array.isArray(value)) {
        out[key] = value.flatMap((v) => expandList(srv.replace(String(v), scopedVars, 'csv')));
      }
    }
    return out as unknown as MailpathQuery;
  }

  /** metricFindQuery serves template variables: `hosts` or `senders [prefix]`. */
  async metricFindQuery(query: string | { query?: string }): Promise<MetricFindValue[]> {
    const text = getTemplateSrv().replace(typeof query === 'string' ? query : (query?.query ?? ''));
    const [name, prefix] = text.trim().split(/\s+/, 2);
    let values: string[];
    switch (name) {
      case 'hosts':
        values = await this.getHosts();
        break;
      case 'senders':
        values = await this.suggest('sender', prefix);
        break;
      default:
        throw new Error(`unknown variable query "${text}": use "hosts" or "senders"`);
    }
    return values.map((text) => ({ text, value: text }));
  }

  /** getSupportedQueryModifications lists the modifyQuery actions Explore may offer. */
  getSupportedQueryModifications(): string[] {
    return ['ADD_FILTER'];
  }

  /**
   * modifyQuery turns a filter on a Message-ID, queue ID, sender, recipient or tag (as Explore
   * offers it from a log line or table cell) into a trace seeded by that value.
   */
  modifyQuery(query: MailpathQuery, action: QueryFixAction): MailpathQuery {
    const kind = action.options?.key ? FILTER_SEEDS[action.options.key] : undefined;
    if (action.type !== 'ADD_FILTER' || !kind || !action.options?.value) {
      return query;
    }
    const q = { ...migrate(query), queryType: 'trace' as const };
    return withSeed(q, kind, action.options.value);
  }

  /** getQueryDisplayText is the one-line form Explore's query history shows. */
  getQueryDisplayText(query: MailpathQuery): string {
    const q = migrate(query);
    if (q.queryType === 'search') {
      const parts = [q.sender, q.recipient, q.tag, q.client, q.status, q.entryHosts?.join(',')];
      return `search ${parts.filter(Boolean).join(' ')}`.trim();
    }
    const seed = [q.messageId, q.queueId, q.sender, q.recipient, q.tag].find(Boolean);
    return `trace ${seed ?? ''}`.trim();
  }

  /** getHosts returns the hosts the log source knows. */
  getHosts(): Promise<string[]> {
    return this.getResource<string[]>('hosts');
  }

  /** suggest completes a Message-ID or sender from its first characters. */
  suggest(kind: SuggestKind, prefix?: string): Promise<string[]> {
    const params: Record<string, string> = { kind };
    if (prefix) {
      params.prefix = prefix;
    }
    return this.getResource<string[]>('suggest', params);
  }

  /** getNodeEvents returns the events one message left on one host (a node). */
  getNodeEvents(messageId: string, host: string): Promise<MailpathEvent[]> {
    return this.getResource<MailpathEvent[]>('node', { messageId, host });
  }

  /** getEdgeEvents returns the events of one hand-off of a message from source to target. */
  getEdgeEvents(messageId: string, source: string, target: string): Promise<MailpathEvent[]> {
    return this.getResource<MailpathEvent[]>('edge', { messageId, source, target });
  }
}

function rangeVars(range: TimeRange | undefined): ScopedVars {
  if (!range) {
    return {};
  }
  return {
    __from: { text: String(range.from.valueOf()), value: range.from.valueOf() },
    __to: { text: String(range.to.valueOf()), value: range.to.valueOf() },
  };
}

function expandList(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
