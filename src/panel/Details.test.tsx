import { render, screen } from '@testing-library/react';
import React from 'react';

import { byNotice, delayBreakdown, Details } from './Details';
import { readFrames } from './model';
import { edgesFrame, eventsFrame, MX1_LINE, nodesFrame } from './testframes';

describe('delayBreakdown', () => {
  it('names the four parts of delays=a/b/c/d', () => {
    expect(delayBreakdown('0.01/0/0.2/3.5')).toEqual([
      { part: 'before the queue manager', seconds: '0.01' },
      { part: 'in the queue', seconds: '0' },
      { part: 'connecting', seconds: '0.2' },
      { part: 'sending', seconds: '3.5' },
    ]);
  });
  it('gives nothing for what is not a/b/c/d', () => {
    expect(delayBreakdown('')).toEqual([]);
    expect(delayBreakdown('1/2/3')).toEqual([]);
    expect(delayBreakdown('1/x/3/4')).toEqual([]);
  });
});

describe('Details', () => {
  it('shows each line’s time in the zone asked, queue ID, status, delays, DSN, reply', () => {
    const r = readFrames([nodesFrame(), edgesFrame(), eventsFrame()]);
    const rows = r.kind === 'model' ? (r.model.events ?? []) : [];
    render(
      <Details
        facts={[{ label: 'Role', value: 'host' }]}
        rows={[rows[1]]}
        timeZone="Europe/Berlin"
      />
    );
    const line = screen.getByTestId('drawer-line');
    // 10:00:01 UTC is 11:00:01 in Berlin in December.
    expect(line).toHaveTextContent('2026-12-01 11:00:01.000');
    expect(line).toHaveTextContent('queue A1');
    expect(line).toHaveTextContent('sent');
    expect(line).toHaveTextContent('delay 0.4s');
    expect(line).toHaveTextContent('connecting 0.1s');
    expect(line).toHaveTextContent('DSN 2.0.0');
    expect(line).toHaveTextContent('250 2.0.0 Ok: queued as B2');
    expect(screen.getByText(MX1_LINE, { normalizer: (s) => s })).toBeInTheDocument();
    expect(screen.getByText('Role')).toBeInTheDocument();
  });

  it('puts a notification’s lines after the message’s own, under their own heading', () => {
    const r = readFrames([nodesFrame(), edgesFrame(), eventsFrame()]);
    const rows = r.kind === 'model' ? (r.model.events ?? []) : [];
    const bounce = { ...rows[1], notice: 'F00D1', line: 'the bounce line' };
    render(<Details facts={[]} rows={[bounce, rows[0]]} timeZone="utc" />);
    const lines = screen.getAllByTestId('drawer-line');
    expect(lines[0]).toHaveTextContent('client=c[10.0.0.1]');
    expect(lines[1]).toHaveTextContent('the bounce line');
    expect(screen.getByTestId('drawer-notice')).toHaveTextContent('Notification F00D1');
    expect(byNotice([rows[0]])).toHaveLength(1);
  });

  it('says why an expected stage has no lines', () => {
    render(
      <Details facts={[]} rows={[]} timeZone="utc" empty="Expected by the route and not taken" />
    );
    expect(screen.getByText('Expected by the route and not taken')).toBeInTheDocument();
    expect(screen.queryByTestId('drawer-line')).toBeNull();
  });
});
