import { createDataFrame, FieldType } from '@grafana/data';

import { linesFor, readFrames, recipientPath, visible } from './model';
import { edgesFrame, eventsFrame, nodesFrame, SUMMARY } from './testframes';
import { Summary } from './types';

describe('readFrames', () => {
  it('reads the nodes, edges, events and summary of a Mailpath trace', () => {
    const r = readFrames([nodesFrame(), edgesFrame(), eventsFrame()]);
    if (r.kind !== 'model') {
      throw new Error(`read ${r.kind}`);
    }
    const m = r.model;
    expect(m.nodes.map((n) => n.kind)).toEqual([
      'client',
      'host',
      'host',
      'expected',
      'host',
      'mailbox',
      'mailbox',
    ]);
    expect(m.nodes.find((n) => n.id === 'expected:filter')?.status).toBe('missed');
    expect(m.nodes.find((n) => n.id === 'host:store')?.recipients).toEqual([
      'bob@store.example',
      'skip@store.example',
    ]);
    expect(m.edges.find((e) => e.id === 'host:mx1->host:store')).toMatchObject({
      status: 'wrong',
      first: Date.parse('2026-12-01T10:00:01Z'),
      recipients: ['skip@store.example'],
    });
    expect(m.events?.[1]).toMatchObject({
      dsn: '2.0.0',
      delay: 0.4,
      delays: '0.1/0.1/0.1/0.1',
      edge: 'host:mx1->host:filter1',
    });
    expect(m.summary).toEqual(SUMMARY);
  });

  it('leaves events undefined when the query returned only the graph', () => {
    const r = readFrames([nodesFrame(), edgesFrame()]);
    expect(r.kind === 'model' && r.model.events).toBeUndefined();
  });

  it('says frames made for the Node Graph by another data source are not Mailpath’s', () => {
    // The shape of Grafana's own node graph test data: no Mailpath summary in the meta.
    const r = readFrames([nodesFrame(null), edgesFrame()]);
    expect(r.kind).toBe('foreign');
    expect(r.kind === 'foreign' && r.why).toMatch(/not made by the Mailpath data source/);
  });

  it('says an edges frame alone is not Mailpath’s', () => {
    const edges = createDataFrame({
      fields: [
        { name: 'id', type: FieldType.string, values: ['a-b'] },
        { name: 'source', type: FieldType.string, values: ['a'] },
        { name: 'target', type: FieldType.string, values: ['b'] },
      ],
    });
    expect(readFrames([edges]).kind).toBe('foreign');
  });

  it('reads nothing from no frames, and only the chosen query’s frames', () => {
    expect(readFrames([]).kind).toBe('nothing');
    const b = readFrames([nodesFrame(), edgesFrame()], 'B');
    expect(b.kind === 'nothing' && b.why).toMatch(/No frames of query B/);
  });

  it('refuses a summary of another version or a broken shape, saying where', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ ...SUMMARY, version: 99 }, /version 99; this panel reads version 1/],
      [{ version: 1, messages: [{ messageId: 'x' }] }, /messages\[0\]: want messageId/],
      [{ version: 1, messages: [null] }, /messages\[0\]/],
      [
        { version: 1, messages: [{ messageId: 'x', recipients: [{ address: 'a' }] }] },
        /messages\[0\]\.recipients\[0\]/,
      ],
      [{ version: 1, messages: [], reasons: 'limit' }, /reasons that are not a list/],
      [{ version: 1, messages: [], reasons: [{}] }, /reasons that are not a list of text/],
      [{ version: 1, messages: [{ messageId: 'x', from: 5, recipients: [] }] }, /\]\.from: want/],
      [
        {
          version: 1,
          messages: [
            { messageId: 'x', recipients: [{ address: 'a', disposition: 'b', verdict: {} }] },
          ],
        },
        /recipients\[0\]\.verdict: want text/,
      ],
      [{ messages: [] }, /version none/],
      ['not an object', /version none/],
    ];
    for (const [summary, want] of cases) {
      const r = readFrames([nodesFrame(summary as Summary), edgesFrame()]);
      expect(r.kind).toBe('foreign');
      expect(r.kind === 'foreign' && r.why).toMatch(want);
    }
  });
});

describe('visible', () => {
  it('hides the stages expected but not taken, and their edges, when asked', () => {
    const r = readFrames([nodesFrame(), edgesFrame()]);
    if (r.kind !== 'model') {
      throw new Error(r.kind);
    }
    const v = visible(r.model, false);
    expect(v.nodes.map((n) => n.id)).not.toContain('expected:filter');
    expect(
      v.edges.some((e) => e.source === 'expected:filter' || e.target === 'expected:filter')
    ).toBe(false);
    expect(v.edges).toHaveLength(6);
    expect(visible(r.model, true)).toBe(r.model);
  });
});

describe('recipientPath', () => {
  it('holds the branch of one recipient and nothing of the other’s', () => {
    const r = readFrames([nodesFrame(), edgesFrame()]);
    if (r.kind !== 'model') {
      throw new Error(r.kind);
    }
    const bob = recipientPath(r.model, 'bob@store.example');
    expect(bob.has('host:filter1')).toBe(true);
    expect(bob.has('mailbox:bob/INBOX')).toBe(true);
    expect(bob.has('mailbox:skip/Junk')).toBe(false);
    expect(bob.has('host:mx1->host:store')).toBe(false);
  });
});

describe('linesFor', () => {
  it('picks the lines of a node, or of an edge', () => {
    const r = readFrames([nodesFrame(), edgesFrame(), eventsFrame()]);
    const events = r.kind === 'model' ? (r.model.events ?? []) : [];
    expect(linesFor(events, { node: 'host:mx1' })).toHaveLength(2);
    expect(linesFor(events, { edge: 'host:mx1->host:filter1' }).map((e) => e.queueId)).toEqual([
      'A1',
    ]);
    expect(linesFor(events, { node: 'host:store' })).toHaveLength(0);
  });
});
