import { DataSourceJsonData } from '@grafana/data';
import { DataQuery } from '@grafana/schema';

/** QueryType routes a query in the backend's query-type mux. */
export type QueryType = 'trace' | 'search' | 'topology';

/** TraceOutput names the frames a trace returns; Node Graph panels use 'graph'. */
export type TraceOutput = 'all' | 'graph' | 'events';

/**
 * MailpathQuery is the query model the Go backend reads. The JSON names are the contract with
 * pkg/: add fields, never rename them, and bump SCHEMA_VERSION with a step in migrate().
 */
export interface MailpathQuery extends DataQuery {
  /** schemaVersion is SCHEMA_VERSION for queries written by this editor; see migrate(). */
  schemaVersion?: number;
  queryType: QueryType;

  // Trace seeds: exactly one of these.
  messageId?: string;
  /** queueId is HOST:QID, since a queue ID is unique only on its host. */
  queueId?: string;
  sender?: string;
  recipient?: string;
  tag?: string;
  output?: TraceOutput;
  /** node or edge keeps only the events of one graph node or edge (the path map's Explore link). */
  node?: string;
  edge?: string;

  // Search filters; a search also uses sender, recipient and tag.
  entryHosts?: string[];
  status?: string;
  client?: string;
  limit?: number;
}

/** SeedKind names the query field that holds a trace seed. */
export type SeedKind = 'messageId' | 'queueId' | 'sender' | 'recipient' | 'tag';

/** SEED_KINDS lists the seed fields in the order the editor offers them. */
export const SEED_KINDS: SeedKind[] = ['messageId', 'queueId', 'sender', 'recipient', 'tag'];

/** DISPOSITIONS are the values a search's status filter takes. */
export const DISPOSITIONS = [
  'delivered',
  'relayed',
  'deferred',
  'bounced',
  'rejected',
  'discarded',
  'expired',
  'in_flight',
] as const;

/** SCHEMA_VERSION is the query model version this frontend writes. */
export const SCHEMA_VERSION = 1;

/** DEFAULT_QUERY is a trace by Message-ID returning every frame. */
export const DEFAULT_QUERY: Partial<MailpathQuery> = {
  schemaVersion: SCHEMA_VERSION,
  queryType: 'trace',
  output: 'all',
};

/** MailpathOptions are the data source settings kept in jsonData. */
export interface MailpathOptions extends DataSourceJsonData {
  source?: 'loki' | 'files';
  lokiUrl?: string;
  tenant?: string;
  lokiUser?: string;
  labelHost?: string;
  labelProgram?: string;
  labelJob?: string;
  labelPid?: string;
  job?: string;
  logFiles?: string[];
  timezone?: string;
  /** window is how far around a seed a trace looks, as a duration such as 24h. */
  window?: string;
  timeoutSeconds?: number;
  tlsSkipVerify?: boolean;
  /** routesYaml holds the expected routes, in the route file format (provisioning/routes). */
  routesYaml?: string;
}

/** MailpathSecureOptions are the settings kept only in secureJsonData. */
export interface MailpathSecureOptions {
  lokiPassword?: string;
  lokiToken?: string;
  tlsCACert?: string;
}

/** DEFAULT_LABELS are the Loki label names assumed when a setting is empty. */
export const DEFAULT_LABELS = {
  labelHost: 'host',
  labelProgram: 'app',
  labelJob: 'job',
  labelPid: 'pid',
} as const;

/**
 * MailpathEvent is one event as the node and edge resources return it. The shape follows the
 * CLI's --json events; fields the backend leaves out are undefined.
 */
export interface MailpathEvent {
  time: string;
  host: string;
  program: string;
  queue_id?: string;
  kind: string;
  status?: string;
  to?: string;
  relay?: string;
  reply?: string;
  source?: string;
  line_no?: number;
  line: string;
}

/** SuggestKind is what the suggest resource completes. */
export type SuggestKind = 'message_id' | 'sender';

/** seedKindOf returns the seed field a trace query uses: the first one present, even empty. */
export function seedKindOf(q: Partial<MailpathQuery>): SeedKind {
  return SEED_KINDS.find((k) => q[k] !== undefined) ?? 'messageId';
}

/** hasSeed reports whether a trace query has a seed with text in it. */
export function hasSeed(q: Partial<MailpathQuery>): boolean {
  return SEED_KINDS.some((k) => (q[k] ?? '').trim() !== '');
}

/** withSeed returns q seeded by kind=value, with every other seed field removed. */
export function withSeed(q: MailpathQuery, kind: SeedKind, value: string): MailpathQuery {
  const next: MailpathQuery = { ...q, [kind]: value };
  for (const k of SEED_KINDS) {
    if (k !== kind) {
      delete next[k];
    }
  }
  return next;
}

// Seed kinds as older query shapes and the CLI spell them.
const SEED_ALIASES: Record<string, SeedKind> = {
  messageid: 'messageId',
  message_id: 'messageId',
  'message-id': 'messageId',
  queueid: 'queueId',
  queue_id: 'queueId',
  qid: 'queueId',
  sender: 'sender',
  from: 'sender',
  recipient: 'recipient',
  rcpt: 'recipient',
  to: 'recipient',
  tag: 'tag',
  subject: 'tag',
  probe: 'tag',
};

const SEARCH_ONLY = ['entryHosts', 'entryHost', 'status', 'client', 'limit'];

/**
 * migrate brings any stored query to the current model (SCHEMA_VERSION). Version-less shapes
 * ({seed: {kind, value, host?}}, a missing queryType, entryHost as a string, limit as text) are
 * rewritten; current queries pass through. It never throws, so a panel saved by any release
 * still opens.
 */
export function migrate(q: any): MailpathQuery {
  const raw = q !== null && typeof q === 'object' ? q : {};
  if (typeof raw.schemaVersion === 'number' && raw.schemaVersion >= SCHEMA_VERSION) {
    return { ...raw, queryType: isQueryType(raw.queryType) ? raw.queryType : 'trace' };
  }

  const { seed, entryHost, ...rest } = raw;
  let next: MailpathQuery = { ...rest, refId: raw.refId ?? 'A', schemaVersion: SCHEMA_VERSION };
  next.queryType = isQueryType(raw.queryType) ? raw.queryType : inferQueryType(raw);

  const kind = seed && SEED_ALIASES[String(seed.kind ?? '').toLowerCase()];
  if (kind && typeof seed.value === 'string') {
    next = withSeed(next, kind, seedValue(kind, seed.value, seed.host));
  }

  const hosts = entryHostList(raw.entryHosts ?? entryHost);
  if (hosts) {
    next.entryHosts = hosts;
  }

  const limit = Number(raw.limit);
  if (raw.limit !== undefined) {
    next.limit = Number.isFinite(limit) && limit > 0 ? Math.floor(limit) : undefined;
  }
  if (next.queryType === 'trace' && !next.output) {
    next.output = 'all';
  }
  return next;
}

function isQueryType(v: unknown): v is QueryType {
  return v === 'trace' || v === 'search' || v === 'topology';
}

// A version-less query without queryType is a search only when it has search-only filters.
function inferQueryType(raw: Record<string, unknown>): QueryType {
  if (raw.seed || raw.messageId || raw.queueId) {
    return 'trace';
  }
  return SEARCH_ONLY.some((k) => raw[k] !== undefined && raw[k] !== '') ? 'search' : 'trace';
}

// Old seeds kept the host of a queue ID apart; the model joins them as HOST:QID.
function seedValue(kind: SeedKind, value: string, host: unknown): string {
  if (kind === 'queueId' && typeof host === 'string' && host !== '' && !value.includes(':')) {
    return `${host}:${value}`;
  }
  return value;
}

function entryHostList(v: unknown): string[] | undefined {
  if (Array.isArray(v)) {
    return v.map(String).filter((h) => h !== '');
  }
  if (typeof v === 'string' && v.trim() !== '') {
    return v
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h !== '');
  }
  return undefined;
}
