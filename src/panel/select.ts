import { dateTimeFormat } from '@grafana/data';

import { Fact } from './Details';
import { Target } from './PathMap';
import { MapEdge, MapNode, PathModel } from './types';

/** Subject is what the drawer is about: a node or an edge of the model. */
export type Subject = { kind: 'node'; node: MapNode } | { kind: 'edge'; edge: MapEdge };

/** subjectOf finds the node or edge a target names; undefined when it is not in the model. */
export function subjectOf(model: PathModel, t: Target): Subject | undefined {
  if ('node' in t) {
    const node = model.nodes.find((n) => n.id === t.node);
    return node && { kind: 'node', node };
  }
  const edge = model.edges.find((e) => e.id === t.edge);
  return edge && { kind: 'edge', edge };
}

/** titleOf is the drawer's title for a subject. */
export function titleOf(model: PathModel, s: Subject): string {
  if (s.kind === 'node') {
    return s.node.title;
  }
  const name = (id: string) => model.nodes.find((n) => n.id === id)?.title ?? id;
  return `${name(s.edge.source)} → ${name(s.edge.target)}`;
}

const STATUS_TEXT: Record<string, string> = {
  taken: 'on the path taken',
  missed: 'expected by the route, not taken',
  wrong: 'a hop the route does not allow',
  stopped: 'the mail was dropped or is stuck here',
  outside: 'outside the logs Mailpath reads',
};

/** factsOf lists what the drawer says of a subject before its lines. */
export function factsOf(s: Subject, timeZone: string): Fact[] {
  if (s.kind === 'node') {
    const n = s.node;
    return compact([
      { label: 'Role', value: n.subtitle },
      { label: 'Stage', value: n.stage },
      { label: 'State', value: STATUS_TEXT[n.status] },
      { label: 'Queue IDs', value: n.mainStat },
      { label: 'Outcome', value: n.secondaryStat },
      { label: 'Recipients', value: n.recipients.join(', ') },
    ]);
  }
  const e = s.edge;
  const when = e.first !== undefined ? dateTimeFormat(e.first, { timeZone }) : '';
  return compact([
    { label: 'What', value: e.what },
    { label: 'State', value: STATUS_TEXT[e.status] },
    { label: 'First crossed', value: when },
    { label: 'Delay', value: e.delay === '0s' ? '' : e.delay },
    { label: 'Recipients', value: e.recipients.join(', ') },
  ]);
}

function compact(facts: Fact[]): Fact[] {
  return facts.filter((f) => f.value !== undefined && f.value !== '');
}

/** expectedOnly says a subject was never taken, so no line can name it. */
export function expectedOnly(s: Subject): boolean {
  return s.kind === 'node' ? s.node.status === 'missed' : s.edge.status === 'missed';
}
