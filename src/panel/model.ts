import { DataFrame, Field } from '@grafana/data';

import {
  EventRow,
  MapEdge,
  MapNode,
  NodeKind,
  PathModel,
  Status,
  STATUSES,
  Summary,
} from './types';

/**
 * Reading is what the panel can make of a query's frames: a model to draw, nothing at all, or
 * frames that are not Mailpath's (a node graph of another data source: drawing it with
 * Mailpath's colours and stages would say things those frames never said).
 */
export type Reading =
  | { kind: 'model'; model: PathModel }
  | { kind: 'nothing'; why: string }
  | { kind: 'foreign'; why: string };

/** readFrames reads the frames of refId, or of the first query with Mailpath frames. */
export function readFrames(series: DataFrame[], refId?: string): Reading {
  const mine = refId ? series.filter((f) => f.refId === refId) : series;
  if (mine.length === 0) {
    const why = refId
      ? `No frames of query ${refId}: the panel's Query option names no query that returned data.`
      : 'No data: run a Mailpath trace query for one message.';
    return { kind: 'nothing', why };
  }
  let unreadable: string | undefined;
  for (const frames of groupByRef(mine)) {
    const nodes = frames.find(isNodesFrame);
    const read = nodes && summaryOf(nodes);
    if (nodes && read?.summary) {
      return { kind: 'model', model: buildModel(frames, nodes, read.summary) };
    }
    unreadable = unreadable ?? read?.problem;
  }
  if (unreadable) {
    return { kind: 'foreign', why: `The Mailpath summary of these frames ${unreadable}.` };
  }
  if (mine.some((f) => fieldOf(f, 'source'))) {
    return {
      kind: 'foreign',
      why:
        'These node-graph frames were not made by the Mailpath data source (their nodes frame ' +
        'has no Mailpath summary), so the path map cannot tell the path taken from the expected ' +
        "one. Use Grafana's Node graph panel for them, or a Mailpath trace query here.",
    };
  }
  return {
    kind: 'foreign',
    why: 'No nodes frame from the Mailpath data source: run a Mailpath trace query for this panel.',
  };
}

function groupByRef(frames: DataFrame[]): DataFrame[][] {
  const by = new Map<string, DataFrame[]>();
  for (const f of frames) {
    const key = f.refId ?? '';
    const list = by.get(key);
    if (list) {
      list.push(f);
    } else {
      by.set(key, [f]);
    }
  }
  return [...by.values()];
}

function isNodesFrame(f: DataFrame): boolean {
  return f.name === 'nodes' && !!fieldOf(f, 'id') && !fieldOf(f, 'source');
}

/** SUMMARY_VERSION is the version of meta.custom.mailpath this panel reads. */
export const SUMMARY_VERSION = 1;

/**
 * summaryOf reads the Mailpath summary a nodes frame carries: undefined when it carries none,
 * a problem when it carries one this panel cannot read (another version, or a broken shape),
 * which the panel says rather than misread.
 */
export function summaryOf(f: DataFrame): { summary?: Summary; problem?: string } | undefined {
  const s = f.meta?.custom?.mailpath;
  if (s === undefined) {
    return undefined;
  }
  if (!isObject(s) || s.version !== SUMMARY_VERSION) {
    const v = isObject(s) && s.version !== undefined ? JSON.stringify(s.version) : 'none';
    return { problem: `has version ${v}; this panel reads version ${SUMMARY_VERSION}` };
  }
  const problem = shapeProblem(s);
  return problem ? { problem } : { summary: s as unknown as Summary };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** shapeProblem names the first part of a summary that is not as the data source writes it. */
function shapeProblem(s: Record<string, unknown>): string | undefined {
  if (!Array.isArray(s.messages)) {
    return 'has no list of messages';
  }
  for (const [i, m] of s.messages.entries()) {
    if (!isObject(m) || typeof m.messageId !== 'string' || !Array.isArray(m.recipients)) {
      return `is broken at messages[${i}]: want messageId and a list of recipients`;
    }
    const texts = ['from', 'subject', 'first', 'last'].filter(
      (k) => m[k] !== undefined && typeof m[k] !== 'string'
    );
    if (texts.length > 0) {
      return `is broken at messages[${i}].${texts[0]}: want text`;
    }
    for (const [j, r] of m.recipients.entries()) {
      if (!isObject(r) || typeof r.address !== 'string' || typeof r.disposition !== 'string') {
        return `is broken at messages[${i}].recipients[${j}]: want address and disposition`;
      }
      const bad = Object.entries(r).find(([, v]) => v !== undefined && typeof v !== 'string');
      if (bad) {
        return `is broken at messages[${i}].recipients[${j}].${bad[0]}: want text`;
      }
    }
  }
  if (
    s.reasons !== undefined &&
    (!Array.isArray(s.reasons) || s.reasons.some((r) => typeof r !== 'string'))
  ) {
    return 'has reasons that are not a list of text';
  }
  return undefined;
}

function buildModel(frames: DataFrame[], nodesFrame: DataFrame, summary: Summary): PathModel {
  const edgesFrame = frames.find((f) => !!fieldOf(f, 'source'));
  const eventsFrame = frames.find((f) => f.name === 'events');
  return {
    nodes: readNodes(nodesFrame),
    edges: edgesFrame ? readEdges(edgesFrame) : [],
    events: eventsFrame ? readEvents(eventsFrame) : undefined,
    summary,
  };
}

function fieldOf(f: DataFrame, name: string): Field | undefined {
  return f.fields.find((x) => x.name === name);
}

/** column returns a reader of one field's values as strings; a missing field reads as ''. */
function column(f: DataFrame, name: string): (i: number) => string {
  const values = fieldOf(f, name)?.values;
  return (i) => {
    const v = values?.[i];
    return v === null || v === undefined ? '' : String(v);
  };
}

function list(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

function status(s: string): Status {
  return (STATUSES as string[]).includes(s) ? (s as Status) : 'outside';
}

/** kindOf reads the prefix the backend gives every node id. */
export function kindOf(id: string): NodeKind {
  const prefix = id.slice(0, id.indexOf(':'));
  switch (prefix) {
    case 'client':
    case 'host':
    case 'mailbox':
    case 'relay':
    case 'expected':
      return prefix;
  }
  return 'other';
}

function readNodes(f: DataFrame): MapNode[] {
  const [id, title, subtitle, stage, st, main, second, rcpts] = [
    'id',
    'title',
    'subtitle',
    'stage',
    'status',
    'mainstat',
    'secondarystat',
    'recipients',
  ].map((n) => column(f, n));
  const out: MapNode[] = [];
  for (let i = 0; i < f.length; i++) {
    out.push({
      id: id(i),
      kind: kindOf(id(i)),
      title: title(i) || id(i),
      subtitle: subtitle(i),
      stage: stage(i),
      status: status(st(i)),
      mainStat: main(i),
      secondaryStat: second(i),
      recipients: list(rcpts(i)),
    });
  }
  return out;
}

function readEdges(f: DataFrame): MapEdge[] {
  const [id, source, target, st, main, second, what, rcpts] = [
    'id',
    'source',
    'target',
    'status',
    'mainstat',
    'secondarystat',
    'detail__status',
    'detail__recipients',
  ].map((n) => column(f, n));
  const out: MapEdge[] = [];
  for (let i = 0; i < f.length; i++) {
    const first = Date.parse(main(i));
    out.push({
      id: id(i) || `${source(i)}->${target(i)}`,
      source: source(i),
      target: target(i),
      status: status(st(i)),
      first: Number.isNaN(first) ? undefined : first,
      delay: second(i),
      what: what(i),
      recipients: list(rcpts(i)),
    });
  }
  return out;
}

function readEvents(f: DataFrame): EventRow[] {
  const times = fieldOf(f, 'time')?.values ?? [];
  const delays = fieldOf(f, 'delay')?.values;
  const [
    line,
    host,
    program,
    qid,
    kind,
    st,
    rcpt,
    node,
    edge,
    dsn,
    delaysText,
    relay,
    reply,
    notice,
  ] = [
    'line',
    'host',
    'program',
    'queue_id',
    'kind',
    'status',
    'recipient',
    'node',
    'edge',
    'dsn',
    'delays',
    'relay',
    'reply',
    'notice',
  ].map((n) => column(f, n));
  const out: EventRow[] = [];
  for (let i = 0; i < f.length; i++) {
    const d = delays?.[i];
    out.push({
      time: toMillis(times[i]),
      line: line(i),
      host: host(i),
      program: program(i),
      queueId: qid(i),
      kind: kind(i),
      status: st(i),
      recipient: rcpt(i),
      node: node(i) || (host(i) ? `host:${host(i)}` : ''),
      edge: edge(i),
      dsn: dsn(i),
      delay: typeof d === 'number' ? d : undefined,
      delays: delaysText(i),
      relay: relay(i),
      reply: reply(i),
      notice: notice(i),
    });
  }
  return out;
}

function toMillis(v: unknown): number {
  if (typeof v === 'number') {
    return v;
  }
  if (typeof v === 'string') {
    return Date.parse(v);
  }
  if (v instanceof Date) {
    return v.getTime();
  }
  return NaN;
}

/**
 * visible drops what the options hide: with showExpected off, the stages expected but not
 * taken and the edges around them.
 */
export function visible(model: PathModel, showExpected: boolean): PathModel {
  if (showExpected) {
    return model;
  }
  const nodes = model.nodes.filter((n) => n.status !== 'missed');
  const ids = new Set(nodes.map((n) => n.id));
  const edges = model.edges.filter(
    (e) => e.status !== 'missed' && ids.has(e.source) && ids.has(e.target)
  );
  return { ...model, nodes, edges };
}

/** recipientPath returns the node and edge ids on one recipient's branch. */
export function recipientPath(model: PathModel, recipient: string): Set<string> {
  const out = new Set<string>();
  for (const e of model.edges) {
    if (e.recipients.includes(recipient)) {
      out.add(e.id).add(e.source).add(e.target);
    }
  }
  for (const n of model.nodes) {
    if (n.recipients.includes(recipient)) {
      out.add(n.id);
    }
  }
  return out;
}

/**
 * linesFor returns the events frame's lines of one node or edge, in the backend's order: cause
 * first, then clock, which reads right across hosts whose clocks differ a little.
 */
export function linesFor(events: EventRow[], target: { node?: string; edge?: string }) {
  return events.filter((e) =>
    target.edge !== undefined ? e.edge === target.edge : e.node === target.node
  );
}
