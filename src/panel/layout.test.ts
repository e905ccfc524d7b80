import { columns, layout, nodeSize } from './layout';
import { fitting } from './PathMap';
import { readFrames } from './model';
import { edgesFrame, nodesFrame } from './testframes';
import { MapEdge, MapNode, PathModel } from './types';

function model(): PathModel {
  const r = readFrames([nodesFrame(), edgesFrame()]);
  if (r.kind !== 'model') {
    throw new Error(r.kind);
  }
  return r.model;
}

describe('columns', () => {
  it('puts the stages left to right: sender, MX, filter, store, mailbox', () => {
    const c = columns(model());
    expect(c.get('client:c[10.0.0.1]')).toBe(0);
    expect(c.get('host:mx1')).toBe(1);
    expect(c.get('host:filter1')).toBe(2);
    expect(c.get('expected:filter')).toBe(2);
    expect(c.get('host:store')).toBe(3);
    expect(c.get('mailbox:bob/INBOX')).toBe(4);
    expect(c.get('mailbox:skip/Junk')).toBe(4);
  });

  it('ends in a loop without hanging', () => {
    const n = (id: string): MapNode => ({
      id,
      kind: 'host',
      title: id,
      subtitle: '',
      stage: '',
      status: 'taken',
      mainStat: '',
      secondaryStat: '',
      recipients: [],
    });
    const e = (s: string, t: string): MapEdge => ({
      id: `${s}->${t}`,
      source: s,
      target: t,
      status: 'taken',
      delay: '',
      what: '',
      recipients: [],
    });
    const m: PathModel = {
      nodes: [n('host:a'), n('host:b')],
      edges: [e('host:a', 'host:b'), e('host:b', 'host:a')],
      summary: { version: 1, messages: [] },
    };
    expect(() => layout(m, 'compact')).not.toThrow();
  });

  it('keeps a mail loop from pushing the entry host right', () => {
    const m = model();
    // mx1 -> filter1 -> mx1 again: the loop's hop back must not move mx1 or widen the map.
    const loop: MapEdge = {
      ...m.edges[1],
      id: 'host:filter1->host:mx1',
      source: 'host:filter1',
      target: 'host:mx1',
    };
    const c = columns({ ...m, edges: [...m.edges, loop] });
    expect(c.get('host:mx1')).toBe(1);
    expect(c.get('host:filter1')).toBe(2);
    expect(c.get('mailbox:bob/INBOX')).toBe(4);
  });
});

describe('layout', () => {
  it('gives every node a box, none overlapping another in its column', () => {
    const l = layout(model(), 'detailed');
    const size = nodeSize('detailed');
    expect(l.nodes.size).toBe(7);
    const placed = [...l.nodes.values()];
    for (const a of placed) {
      expect(a.width).toBe(size.width);
      for (const b of placed) {
        if (a !== b && a.column === b.column) {
          expect(Math.abs(a.y - b.y)).toBeGreaterThanOrEqual(size.height);
        }
      }
    }
    expect(l.columns.map((c) => c.title)).toEqual([
      'sender side',
      'mx',
      'filter',
      'store',
      'mailbox',
    ]);
    expect(l.width).toBeGreaterThanOrEqual(5 * size.width);
  });
});

describe('edgePath', () => {
  it('routes an edge that skips a column between that column’s boxes', () => {
    const l = layout(model(), 'detailed');
    const bends = l.bends.get('host:mx1->host:store');
    expect(bends?.length).toBeGreaterThan(0);
    const filterColumn = [...l.nodes.values()].filter((p) => p.column === 2);
    expect(filterColumn.length).toBeGreaterThan(0);
    for (const b of bends!) {
      for (const p of filterColumn) {
        // Every bend lies above or below every box of the column it crosses.
        expect(b.y < p.y || b.y > p.y + p.height).toBe(true);
      }
    }
  });
});

describe('fitting', () => {
  it('opens a map taller than the panel centred on its hosts', () => {
    const m = model();
    const extra = Array.from({ length: 200 }, (_, i) => ({
      ...m.nodes[5],
      id: `mailbox:u${i}/INBOX`,
      title: `u${i}`,
    }));
    const edges = extra.map((n) => ({ ...m.edges[6], id: `host:store->${n.id}`, target: n.id }));
    const big = { ...m, nodes: [...m.nodes, ...extra], edges: [...m.edges, ...edges] };
    const l = layout(big, 'detailed');
    const t = fitting(l, 900, 400);
    expect(t.k).toBeCloseTo(0.2);
    const store = l.nodes.get('host:store')!;
    const y = t.applyY(store.y + store.height / 2);
    // The store is the middle of the hosts here; it lands inside the panel's middle half.
    expect(y).toBeGreaterThan(100);
    expect(y).toBeLessThan(300);
  });
});
