import dagre, { Graph } from '@dagrejs/dagre';

import { LabelMode, MapEdge, MapNode, PathModel } from './types';

/** Placed is a node with its box: x and y are the top-left corner. */
export interface Placed {
  node: MapNode;
  x: number;
  y: number;
  width: number;
  height: number;
  column: number;
}

/** Column is one stage of the map, drawn as a heading over its nodes. */
export interface Column {
  index: number;
  x: number;
  title: string;
}

/** Layout is the map's geometry: node boxes, stage columns and the bounds of it all. */
export interface Layout {
  nodes: Map<string, Placed>;
  /**
   * bends holds, per model edge id, the points dagre routed a long edge through (one per
   * column it crosses), so that it passes between the boxes of those columns, not over them.
   */
  bends: Map<string, Array<{ x: number; y: number }>>;
  columns: Column[];
  width: number;
  height: number;
}

const GAP_X = 90;
const GAP_Y = 18;
export const HEADING = 28;

/** nodeSize is the box of a node in a label mode. */
export function nodeSize(mode: LabelMode): { width: number; height: number } {
  return mode === 'compact' ? { width: 150, height: 34 } : { width: 190, height: 62 };
}

/**
 * columns gives every node its stage column, left to right: the sender side first, then the
 * hosts by their longest hand-off chain from the sender, then mailboxes, then the outside world.
 * Terminal stages share columns so that every mailbox lines up, whatever path it came by.
 */
export function columns(model: PathModel): Map<string, number> {
  const col = new Map<string, number>();
  const inner = model.nodes.filter((n) => n.kind !== 'mailbox' && n.kind !== 'relay');
  for (const n of inner) {
    col.set(n.id, n.kind === 'client' ? 0 : 1);
  }
  const back = backEdges(inner, model.edges);
  const innerEdges = model.edges.filter(
    (e) => col.has(e.source) && col.has(e.target) && !back.has(e)
  );
  // Longest path by relaxation over what is left once loops are cut: at most n rounds.
  for (let round = 0; round < inner.length; round++) {
    let changed = false;
    for (const e of innerEdges) {
      const want = (col.get(e.source) ?? 0) + 1;
      if (want > (col.get(e.target) ?? 0)) {
        col.set(e.target, want);
        changed = true;
      }
    }
    if (!changed) {
      break;
    }
  }
  const last = Math.max(0, ...col.values());
  const hasMailbox = model.nodes.some((n) => n.kind === 'mailbox');
  for (const n of model.nodes) {
    if (n.kind === 'mailbox') {
      col.set(n.id, last + 1);
    } else if (n.kind === 'relay') {
      col.set(n.id, last + (hasMailbox ? 2 : 1));
    }
  }
  return col;
}

/**
 * backEdges finds the edges that close a loop (mail handed back to a host it passed), by a
 * depth-first walk from the sender side and then from hosts nothing hands to: the first host a
 * loop reached keeps its column, the hop back to it is drawn as a loop.
 */
function backEdges(nodes: MapNode[], edges: MapEdge[]): Set<MapEdge> {
  const out = new Map<string, MapEdge[]>();
  const fed = new Set<string>();
  for (const e of edges) {
    push(out, e.source, e);
    fed.add(e.target);
  }
  const roots = [
    ...nodes.filter((n) => n.kind === 'client'),
    ...nodes.filter((n) => n.kind !== 'client' && !fed.has(n.id)),
    ...nodes,
  ];
  const state = new Map<string, 'open' | 'done'>();
  const back = new Set<MapEdge>();
  for (const root of roots) {
    if (state.has(root.id)) {
      continue;
    }
    // An explicit stack: a long relay chain must not overflow the call stack.
    const stack: Array<{ id: string; next: number }> = [{ id: root.id, next: 0 }];
    state.set(root.id, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const e = (out.get(top.id) ?? [])[top.next++];
      if (!e) {
        state.set(top.id, 'done');
        stack.pop();
      } else if (state.get(e.target) === 'open') {
        back.add(e);
      } else if (!state.has(e.target)) {
        state.set(e.target, 'open');
        stack.push({ id: e.target, next: 0 });
      }
    }
  }
  return back;
}

/**
 * group collects terminal nodes (mailboxes, outside hosts) fed by a single node into one box:
 * dagre then orders a few boxes instead of hundreds of leaves, which keeps a 500-recipient
 * trace fast, and the leaves are stacked inside their box in the order of the frame.
 */
function groups(model: PathModel): Map<string, MapNode[]> {
  const parents = new Map<string, string[]>();
  for (const e of model.edges) {
    push(parents, e.target, e.source);
  }
  const out = new Map<string, MapNode[]>();
  for (const n of model.nodes) {
    const from = parents.get(n.id) ?? [];
    const terminal = n.kind === 'mailbox' || n.kind === 'relay';
    push(out, terminal && from.length === 1 ? `group:${from[0]}:${n.kind}` : n.id, n);
  }
  return out;
}

function push<K, V>(m: Map<K, V[]>, key: K, v: V) {
  const list = m.get(key);
  if (list) {
    list.push(v);
  } else {
    m.set(key, [v]);
  }
}

/** layout places the model's nodes with dagre, in the stage columns of columns(). */
export function layout(model: PathModel, mode: LabelMode): Layout {
  const size = nodeSize(mode);
  const col = columns(model);
  const boxes = groups(model);
  const boxOf = new Map<string, string>();
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: 'LR', nodesep: GAP_Y, ranksep: GAP_X, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const [key, members] of boxes) {
    const height = members.length * size.height + (members.length - 1) * GAP_Y;
    g.setNode(key, { width: size.width, height });
    members.forEach((m) => boxOf.set(m.id, key));
  }
  for (const e of model.edges) {
    const s = boxOf.get(e.source);
    const t = boxOf.get(e.target);
    if (s && t && s !== t) {
      const span = (col.get(e.target) ?? 0) - (col.get(e.source) ?? 0);
      g.setEdge(s, t, { minlen: Math.max(1, span) });
    }
  }
  dagre.layout(g);
  const placed = place(boxes, g, col, size);
  for (const e of model.edges) {
    const s = boxOf.get(e.source);
    const t = boxOf.get(e.target);
    const points = s && t && s !== t ? g.edge(s, t)?.points : undefined;
    if (points && points.length > 2) {
      // dagre's first and last points lie on the box borders; the panel draws those ends itself.
      placed.bends.set(
        e.id,
        points.slice(1, -1).map((p: { x: number; y: number }) => ({ x: p.x, y: p.y + HEADING }))
      );
    }
  }
  return placed;
}

function place(
  boxes: Map<string, MapNode[]>,
  g: Graph,
  col: Map<string, number>,
  size: { width: number; height: number }
): Layout {
  const nodes = new Map<string, Placed>();
  let height = 0;
  for (const [key, members] of boxes) {
    const box = g.node(key);
    const top = box.y - box.height / 2 + HEADING;
    members.forEach((node, i) => {
      const column = col.get(node.id) ?? 0;
      const y = top + i * (size.height + GAP_Y);
      nodes.set(node.id, { node, x: column * (size.width + GAP_X), y, column, ...size });
      height = Math.max(height, y + size.height);
    });
  }
  height = Math.max(height, unstack(nodes, size.height));
  const cols = columnTitles(nodes);
  const width = cols.length * (size.width + GAP_X) - GAP_X;
  return { nodes, bends: new Map(), columns: cols, width: Math.max(width, size.width), height };
}

/**
 * unstack pushes apart boxes of one column that overlap: dagre ranks a node by its own rules,
 * and a column here may hold nodes of two of its ranks. Returns the new bottom.
 */
function unstack(nodes: Map<string, Placed>, h: number): number {
  const byColumn = new Map<number, Placed[]>();
  for (const p of nodes.values()) {
    push(byColumn, p.column, p);
  }
  let bottom = 0;
  for (const list of byColumn.values()) {
    list.sort((a, b) => a.y - b.y);
    for (let i = 1; i < list.length; i++) {
      list[i].y = Math.max(list[i].y, list[i - 1].y + h + GAP_Y);
    }
    bottom = Math.max(bottom, list[list.length - 1].y + h);
  }
  return bottom;
}

/** columnTitles names each column by the stages of its nodes, the most common first. */
function columnTitles(nodes: Map<string, Placed>): Column[] {
  const votes = new Map<number, Map<string, number>>();
  let last = 0;
  for (const p of nodes.values()) {
    last = Math.max(last, p.column);
    const stage = p.node.stage || defaultStage(p.node);
    const v = votes.get(p.column) ?? new Map<string, number>();
    v.set(stage, (v.get(stage) ?? 0) + 1);
    votes.set(p.column, v);
  }
  const out: Column[] = [];
  for (let i = 0; i <= last; i++) {
    const v = [...(votes.get(i) ?? new Map()).entries()].sort((a, b) => b[1] - a[1]);
    const x = [...nodes.values()].find((p) => p.column === i)?.x ?? 0;
    // A column can hold two stages (store and out both follow the filters): name both.
    const title = v
      .map(([stage]) => stage)
      .filter((stage) => stage !== '')
      .join(' / ');
    out.push({ index: i, x, title });
  }
  return out;
}

function defaultStage(n: MapNode): string {
  switch (n.kind) {
    case 'client':
      return 'sender side';
    case 'mailbox':
      return 'mailbox';
    case 'relay':
      return 'outside world';
  }
  return '';
}

/** goesBack says an edge leads back to its own or an earlier column: a mail loop. */
export function goesBack(s: Placed, t: Placed): boolean {
  return t.x <= s.x + s.width;
}

/**
 * edgePath is the SVG path of an edge: from the source's right side, through the points dagre
 * routed it by, to the target's left side, each step a curve leaving and arriving level.
 */
export function edgePath(s: Placed, t: Placed, via: Array<{ x: number; y: number }> = []): string {
  const x1 = s.x + s.width;
  const y1 = s.y + s.height / 2;
  const x2 = t.x;
  const y2 = t.y + t.height / 2;
  if (goesBack(s, t)) {
    // A hop back to an earlier column (a loop): go round below both boxes.
    const below = Math.max(s.y + s.height, t.y + t.height) + 24;
    return `M${x1},${y1} C${x1 + 60},${below} ${x2 - 60},${below} ${x2},${y2}`;
  }
  const points = [...via.filter((p) => p.x > x1 && p.x < x2), { x: x2, y: y2 }];
  let d = `M${x1},${y1}`;
  let prev = { x: x1, y: y1 };
  for (const p of points) {
    const mid = (prev.x + p.x) / 2;
    d += ` C${mid},${prev.y} ${mid},${p.y} ${p.x},${p.y}`;
    prev = p;
  }
  return d;
}

/** edgeEnds returns the placed ends of an edge, or undefined when one end is not drawn. */
export function edgeEnds(l: Layout, e: MapEdge): [Placed, Placed] | undefined {
  const s = l.nodes.get(e.source);
  const t = l.nodes.get(e.target);
  return s && t ? [s, t] : undefined;
}
