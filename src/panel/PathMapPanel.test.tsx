import {
  createDataFrame,
  DataFrame,
  FieldType,
  getDefaultTimeRange,
  LoadingState,
  PanelProps,
} from '@grafana/data';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import React from 'react';

import { fromJSON, LineFetcherContext } from './lines';
import { PathMapPanel, zoneOption } from './PathMapPanel';
import { edgesFrame, eventsFrame, nodesFrame, SUMMARY } from './testframes';
import { DEFAULT_OPTIONS, PathMapOptions } from './types';

function props(
  series: DataFrame[],
  options: Partial<PathMapOptions> = {}
): PanelProps<PathMapOptions> {
  return {
    id: 1,
    data: { state: LoadingState.Done, series, timeRange: getDefaultTimeRange() },
    timeRange: getDefaultTimeRange(),
    timeZone: 'utc',
    options: { ...DEFAULT_OPTIONS, ...options },
    width: 900,
    height: 500,
  } as unknown as PanelProps<PathMapOptions>;
}

/** TWO is a summary of two traced messages, as a sender or tag seed can match. */
const TWO = {
  ...SUMMARY,
  messages: [SUMMARY.messages[0], { ...SUMMARY.messages[0], messageId: '<t2@client.example>' }],
};

function node(id: string): HTMLElement {
  const el = screen.getAllByTestId('node').find((n) => n.getAttribute('data-id') === id);
  if (!el) {
    throw new Error(`no node ${id}`);
  }
  return el;
}

describe('PathMapPanel', () => {
  it('draws every node with its status and shows the summary', () => {
    render(<PathMapPanel {...props([nodesFrame(), edgesFrame(), eventsFrame()])} />);
    expect(screen.getAllByTestId('node')).toHaveLength(7);
    expect(node('expected:filter').getAttribute('data-status')).toBe('missed');
    const summary = screen.getByTestId('pathmap-summary');
    expect(summary).toHaveTextContent('<t1@client.example>');
    expect(summary).toHaveTextContent('from alice@client.example');
    const skip = screen
      .getAllByTestId('summary-recipient')
      .find((r) => r.textContent?.startsWith('skip@store.example'));
    expect(skip).toHaveTextContent('delivered to skip / Junk');
    expect(skip).toHaveTextContent('route inbound');
    expect(skip).toHaveTextContent('deviated: stage "filter" was skipped');
  });

  it('opens the drawer with the node’s lines from the events frame on click and on Enter', () => {
    render(<PathMapPanel {...props([nodesFrame(), edgesFrame(), eventsFrame()])} />);
    fireEvent.click(node('host:mx1'));
    expect(screen.getByTestId('pathmap-drawer')).toBeInTheDocument();
    expect(screen.getAllByTestId('drawer-line')).toHaveLength(2);
    fireEvent.keyDown(node('host:filter1'), { key: 'Enter' });
    expect(screen.queryAllByTestId('drawer-line')).toHaveLength(0);
    expect(screen.getByText('No log line names this.')).toBeInTheDocument();
  });

  it('asks the data source for the lines when the frames hold none', async () => {
    const fetcher = jest.fn().mockResolvedValue([]);
    const p = props([nodesFrame(), edgesFrame()]);
    render(
      <LineFetcherContext.Provider value={fetcher}>
        <PathMapPanel {...p} />
      </LineFetcherContext.Provider>
    );
    await act(async () => {
      fireEvent.click(
        screen
          .getAllByTestId('edge')
          .find((e) => e.getAttribute('data-id') === 'host:mx1->host:store')!
      );
    });
    await waitFor(() => expect(fetcher).toHaveBeenCalled());
    expect(fetcher).toHaveBeenCalledWith('mp-uid', {
      messageId: SUMMARY.messages[0].messageId,
      edge: 'host:mx1->host:store',
      from: p.timeRange.from.valueOf(),
      to: p.timeRange.to.valueOf(),
    });
  });

  it('asks for the lines of every traced message when a seed matched several', async () => {
    const fetcher = jest.fn((_uid: string, q: { messageId: string }) =>
      Promise.resolve(fromJSON([{ time: '2026-12-01T10:00:00Z', line: `line of ${q.messageId}` }]))
    );
    render(
      <LineFetcherContext.Provider value={fetcher}>
        <PathMapPanel {...props([nodesFrame(TWO), edgesFrame()])} />
      </LineFetcherContext.Provider>
    );
    fireEvent.click(node('host:mx1'));
    expect(await screen.findByText('line of <t2@client.example>')).toBeInTheDocument();
    expect(screen.getByText('line of <t1@client.example>')).toBeInTheDocument();
    expect(screen.getAllByRole('link', { name: /in Explore/ })).toHaveLength(2);
  });

  it('keeps the lines of the messages whose fetch worked, names the one that failed', async () => {
    const fetcher = jest.fn((_uid: string, q: { messageId: string }) =>
      q.messageId === '<t2@client.example>'
        ? Promise.reject(new Error('status=502'))
        : Promise.resolve(fromJSON([{ time: '2026-12-01T10:00:00Z', line: 'line of t1' }]))
    );
    render(
      <LineFetcherContext.Provider value={fetcher}>
        <PathMapPanel {...props([nodesFrame(TWO), edgesFrame()])} />
      </LineFetcherContext.Provider>
    );
    fireEvent.click(node('host:mx1'));
    expect(await screen.findByText('line of t1')).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('<t2@client.example>: status=502');
  });

  it('paints a hop back to an earlier column under every box', () => {
    const edges = edgesFrame();
    const loop = createDataFrame({
      name: 'edges',
      refId: 'A',
      fields: edges.fields.map((f) => ({
        ...f,
        values: [
          ...f.values,
          { id: 'host:filter1->host:mx1', source: 'host:filter1', target: 'host:mx1' }[
            f.name as 'id' | 'source' | 'target'
          ] ?? (f.name === 'status' ? 'taken' : ''),
        ],
      })),
    });
    render(<PathMapPanel {...props([nodesFrame(), loop])} />);
    const svg = screen.getByTestId('pathmap');
    const order = [...svg.querySelectorAll('[data-testid="node"], [data-testid="edge"]')].map((e) =>
      e.getAttribute('data-id')
    );
    expect(order.indexOf('host:filter1->host:mx1')).toBeLessThan(
      order.indexOf('client:c[10.0.0.1]')
    );
  });

  it('shows each node’s own fetched lines as the user clicks from node to node', async () => {
    const line = (node: string) => ({ time: '2026-12-01T10:00:00Z', line: `line of ${node}` });
    const fetcher = jest.fn((_uid: string, q: { node?: string }) =>
      Promise.resolve(fromJSON([line(q.node ?? '')]))
    );
    render(
      <LineFetcherContext.Provider value={fetcher}>
        <PathMapPanel {...props([nodesFrame(), edgesFrame()])} />
      </LineFetcherContext.Provider>
    );
    fireEvent.click(node('host:mx1'));
    expect(await screen.findByText('line of host:mx1')).toBeInTheDocument();
    fireEvent.click(node('host:store'));
    expect(screen.queryByText('line of host:mx1')).toBeNull();
    expect(await screen.findByText('line of host:store')).toBeInTheDocument();
  });

  it('tabs node by node, each followed by the hand-offs leaving it', async () => {
    const user = userEvent.setup();
    render(<PathMapPanel {...props([nodesFrame(), edgesFrame(), eventsFrame()])} />);
    const order: string[] = [];
    for (let i = 0; i < 4; i++) {
      await user.tab();
      order.push(document.activeElement?.getAttribute('data-id') ?? '');
    }
    expect(order).toEqual([
      'client:c[10.0.0.1]',
      'client:c[10.0.0.1]->host:mx1',
      'host:mx1',
      'host:mx1->host:filter1',
    ]);
    await user.keyboard('{Enter}');
    expect(screen.getByTestId('pathmap-drawer')).toBeInTheDocument();
  });

  it('highlights one recipient’s branch while its summary row is hovered', () => {
    render(<PathMapPanel {...props([nodesFrame(), edgesFrame()])} />);
    const bob = screen
      .getAllByTestId('summary-recipient')
      .find((r) => r.textContent?.startsWith('bob@store.example'))!;
    fireEvent.mouseEnter(bob);
    expect(node('mailbox:bob/INBOX').getAttribute('opacity')).toBe('1');
    expect(node('host:filter1').getAttribute('opacity')).toBe('1');
    expect(node('mailbox:skip/Junk').getAttribute('opacity')).toBe('0.25');
    expect(node('expected:filter').getAttribute('opacity')).toBe('0.25');
    fireEvent.mouseLeave(bob);
    expect(node('mailbox:skip/Junk').getAttribute('opacity')).toBe('1');
  });

  it('draws far nodes as outlines only, all of them still there', () => {
    // One store filing into 300 mailboxes: most lie far below the first view.
    const n = 300;
    const ids = Array.from({ length: n }, (_, i) => `mailbox:u${i}/INBOX`);
    const nodes = createDataFrame({
      name: 'nodes',
      refId: 'A',
      meta: { custom: { mailpath: SUMMARY } },
      fields: [
        { name: 'id', type: FieldType.string, values: ['host:store', ...ids] },
        { name: 'title', type: FieldType.string, values: ['store', ...ids] },
        { name: 'status', type: FieldType.string, values: ['taken', ...ids.map(() => 'taken')] },
      ],
    });
    const edges = createDataFrame({
      name: 'edges',
      refId: 'A',
      fields: [
        { name: 'id', type: FieldType.string, values: ids.map((id) => `host:store->${id}`) },
        { name: 'source', type: FieldType.string, values: ids.map(() => 'host:store') },
        { name: 'target', type: FieldType.string, values: ids },
      ],
    });
    render(<PathMapPanel {...props([nodes, edges])} />);
    const drawn = screen.getAllByTestId('node');
    expect(drawn).toHaveLength(n + 1);
    const labelled = drawn.filter((g) => g.querySelector('text'));
    expect(labelled.length).toBeGreaterThan(0);
    expect(labelled.length).toBeLessThan(n / 2);
  });

  it('warns of a time zone the browser does not know, and keeps the dashboard’s', () => {
    expect(zoneOption('Europe/Berlin')).toEqual({ ok: true, zone: 'Europe/Berlin' });
    expect(zoneOption('utc').ok).toBe(true);
    expect(zoneOption('').ok).toBe(true);
    expect(zoneOption('Mars/Olympus').ok).toBe(false);
    render(<PathMapPanel {...props([nodesFrame(), edgesFrame()], { timeZone: 'Mars/Olympus' })} />);
    expect(screen.getByRole('alert')).toHaveTextContent('Unknown time zone “Mars/Olympus”');
  });

  it('hides expected stages when the option is off', () => {
    render(<PathMapPanel {...props([nodesFrame(), edgesFrame()], { showExpected: false })} />);
    expect(screen.getAllByTestId('node').map((n) => n.getAttribute('data-id'))).not.toContain(
      'expected:filter'
    );
  });

  it('draws nothing for foreign node-graph frames and says so', () => {
    render(<PathMapPanel {...props([nodesFrame(null), edgesFrame()])} />);
    expect(screen.getByTestId('pathmap-foreign')).toHaveTextContent(
      'not made by the Mailpath data source'
    );
    expect(screen.queryByTestId('pathmap')).toBeNull();
  });

  it('says so when no message matched, and when the trace is partial', () => {
    const { unmount } = render(
      <PathMapPanel {...props([nodesFrame({ ...SUMMARY, messages: [] }), edgesFrame()])} />
    );
    expect(screen.getByTestId('pathmap-empty')).toHaveTextContent('No trace');
    unmount();
    const { unmount: again } = render(
      <PathMapPanel
        {...props([
          nodesFrame({ ...SUMMARY, messages: [], partial: true, reasons: ['limit reached'] }),
          edgesFrame(),
        ])}
      />
    );
    expect(screen.getByTestId('pathmap-empty')).toHaveTextContent(
      'The search was partial: limit reached'
    );
    again();
    const partial = { ...SUMMARY, partial: true, reasons: ['Loki limit reached'] };
    render(<PathMapPanel {...props([nodesFrame(partial), edgesFrame()])} />);
    expect(screen.getByText('Partial trace')).toBeInTheDocument();
    expect(screen.getByText('Loki limit reached')).toBeInTheDocument();
  });
});
