import { createDataFrame, DataFrame, FieldType } from '@grafana/data';

import { Summary } from './types';

/** Frames of a small Mailpath trace: one message, two recipients, one skipping the filter. */
export const SUMMARY: Summary = {
  version: 1,
  datasourceUid: 'mp-uid',
  partial: false,
  reasons: [],
  unparsed: 0,
  messages: [
    {
      messageId: '<t1@client.example>',
      from: 'alice@client.example',
      subject: 'hello',
      recipients: [
        {
          address: 'bob@store.example',
          disposition: 'delivered',
          mailbox: 'bob',
          folder: 'INBOX',
          route: 'inbound',
          verdict: 'ok',
          why: 'recipient domain store.example matches route inbound',
          sentence: 'as the route expects',
        },
        {
          address: 'skip@store.example',
          disposition: 'delivered',
          mailbox: 'skip',
          folder: 'Junk',
          route: 'inbound',
          verdict: 'deviated',
          why: 'recipient domain store.example matches route inbound',
          sentence: 'stage "filter" was skipped',
        },
      ],
    },
  ],
};

const str = (name: string, values: string[]) => ({ name, type: FieldType.string, values });

/** nodesFrame builds the nodes frame; summary null leaves the Mailpath meta out. */
export function nodesFrame(summary: Summary | null = SUMMARY): DataFrame {
  return createDataFrame({
    name: 'nodes',
    refId: 'A',
    meta: summary ? { custom: { mailpath: summary } } : undefined,
    fields: [
      str('id', [
        'client:c[10.0.0.1]',
        'host:mx1',
        'host:filter1',
        'expected:filter',
        'host:store',
        'mailbox:bob/INBOX',
        'mailbox:skip/Junk',
      ]),
      str('title', ['c', 'mx1', 'filter1', 'filter', 'store', 'bob', 'skip']),
      str('subtitle', [
        'sender side',
        'host',
        'host',
        'expected stage',
        'host',
        'mailbox INBOX',
        'mailbox Junk',
      ]),
      str('stage', ['sender side', 'mx', 'filter', 'filter', 'store', 'mailbox', 'mailbox']),
      str('status', ['outside', 'taken', 'taken', 'missed', 'taken', 'outside', 'outside']),
      str('mainstat', ['', 'A1', 'B2', '', 'C3 C4', '', '']),
      str('secondarystat', ['', '', '', '', '2 delivered', '', '']),
      str('recipients', [
        '',
        'bob@store.example, skip@store.example',
        'bob@store.example',
        'skip@store.example',
        'bob@store.example, skip@store.example',
        'bob@store.example',
        'skip@store.example',
      ]),
    ],
  });
}

export function edgesFrame(): DataFrame {
  return createDataFrame({
    name: 'edges',
    refId: 'A',
    fields: [
      str('id', [
        'client:c[10.0.0.1]->host:mx1',
        'host:mx1->host:filter1',
        'host:filter1->host:store',
        'host:mx1->expected:filter',
        'expected:filter->host:store',
        'host:mx1->host:store',
        'host:store->mailbox:bob/INBOX',
        'host:store->mailbox:skip/Junk',
      ]),
      str('source', [
        'client:c[10.0.0.1]',
        'host:mx1',
        'host:filter1',
        'host:mx1',
        'expected:filter',
        'host:mx1',
        'host:store',
        'host:store',
      ]),
      str('target', [
        'host:mx1',
        'host:filter1',
        'host:store',
        'expected:filter',
        'host:store',
        'host:store',
        'mailbox:bob/INBOX',
        'mailbox:skip/Junk',
      ]),
      str('mainstat', [
        '2026-12-01T10:00:00Z',
        '2026-12-01T10:00:01Z',
        '2026-12-01T10:00:02Z',
        '',
        '',
        '2026-12-01T10:00:01Z',
        '2026-12-01T10:00:03Z',
        '2026-12-01T10:00:03Z',
      ]),
      str('secondarystat', ['0s', '0.4s', '0.2s', '0s', '0s', '0.3s', '0.1s', '0.1s']),
      str('status', ['outside', 'taken', 'taken', 'missed', 'missed', 'wrong', 'taken', 'taken']),
      str('detail__status', [
        'submitted',
        'handed over',
        'handed over',
        'expected, not taken',
        'expected, not taken',
        'handed over',
        'delivered',
        'delivered',
      ]),
      str('detail__recipients', [
        '',
        'bob@store.example',
        'bob@store.example',
        'skip@store.example',
        'skip@store.example',
        'skip@store.example',
        'bob@store.example',
        'skip@store.example',
      ]),
    ],
  });
}

export const MX1_LINE =
  'Dec  1 10:00:01 mx1 postfix/smtp[11]: A1: to=<bob@store.example>, relay=filter1[10.0.0.3]:25, ' +
  'delay=0.4, delays=0.1/0.1/0.1/0.1, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as B2)';

export function eventsFrame(): DataFrame {
  return createDataFrame({
    name: 'events',
    refId: 'A',
    fields: [
      {
        name: 'time',
        type: FieldType.time,
        values: [Date.parse('2026-12-01T10:00:00Z'), Date.parse('2026-12-01T10:00:01Z')],
      },
      str('line', ['Dec  1 10:00:00 mx1 postfix/smtpd[10]: A1: client=c[10.0.0.1]', MX1_LINE]),
      str('host', ['mx1', 'mx1']),
      str('program', ['postfix/smtpd', 'postfix/smtp']),
      str('queue_id', ['A1', 'A1']),
      str('kind', ['client', 'delivery']),
      str('status', ['client', 'sent']),
      str('recipient', ['', 'bob@store.example']),
      str('node', ['host:mx1', 'host:mx1']),
      str('edge', ['client:c[10.0.0.1]->host:mx1', 'host:mx1->host:filter1']),
      str('dsn', ['', '2.0.0']),
      { name: 'delay', type: FieldType.number, values: [0, 0.4] },
      str('delays', ['', '0.1/0.1/0.1/0.1']),
      str('relay', ['', 'filter1[10.0.0.3]:25']),
      str('reply', ['', '250 2.0.0 Ok: queued as B2']),
    ],
  });
}
