import { of } from 'rxjs';

import {
  DataQueryRequest,
  DataSourceInstanceSettings,
  dateTime,
  ScopedVars,
  TimeRange,
} from '@grafana/data';
import { DataSourceWithBackend } from '@grafana/runtime';

import { DataSource } from './datasource';
import { fakeTemplateSrv } from './testutils';
import { MailpathOptions, MailpathQuery } from './types';

const templateSrv = fakeTemplateSrv({ host: ['mx1', 'mx2'], rcpt: 'bob@example.org' });

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getTemplateSrv: () => templateSrv,
}));

function newDataSource(): DataSource {
  const settings = {
    id: 1,
    uid: 'mailpath',
    type: 'mailpath-trace-datasource',
    name: 'Mailpath',
    jsonData: {},
    meta: {},
  } as unknown as DataSourceInstanceSettings<MailpathOptions>;
  return new DataSource(settings);
}

const trace = (q: Partial<MailpathQuery>): MailpathQuery => ({
  refId: 'A',
  schemaVersion: 1,
  queryType: 'trace',
  ...q,
});

describe('applyTemplateVariables', () => {
  it('replaces variables in every string field', () => {
    const q = trace({ recipient: '$rcpt', tag: 'probe-${rcpt}', output: 'graph' });
    const got = newDataSource().applyTemplateVariables(q, {});
    expect(got).toMatchObject({ recipient: 'bob@example.org', tag: 'probe-bob@example.org' });
    expect(got.output).toBe('graph');
  });

  it('expands a multi-value variable in entryHosts into one host per value', () => {
    const q: MailpathQuery = { refId: 'A', queryType: 'search', entryHosts: ['$host', 'mx9'] };
    const got = newDataSource().applyTemplateVariables(q, {});
    expect(got.entryHosts).toEqual(['mx1', 'mx2', 'mx9']);
  });

  it('prefers scoped variables such as a repeated panel value', () => {
    const scoped: ScopedVars = { rcpt: { text: 'carol', value: 'carol@example.org' } };
    const got = newDataSource().applyTemplateVariables(trace({ recipient: '$rcpt' }), scoped);
    expect(got.recipient).toBe('carol@example.org');
  });

  it('migrates an old query before replacing', () => {
    const old = { refId: 'A', seed: { kind: 'recipient', value: '$rcpt' } } as any;
    const got = newDataSource().applyTemplateVariables(old, {});
    expect(got).toMatchObject({
      schemaVersion: 1,
      queryType: 'trace',
      recipient: 'bob@example.org',
    });
  });

  it('gives $__from and $__to of the request range to the query', () => {
    const parent = jest
      .spyOn(DataSourceWithBackend.prototype, 'query')
      .mockReturnValue(of({ data: [] }));
    const from = dateTime(1700000000000);
    const to = dateTime(1700003600000);
    const range: TimeRange = { from, to, raw: { from, to } };
    const ds = newDataSource();
    const request = {
      targets: [trace({ tag: 'run-$__from-$__to' })],
      range,
      scopedVars: {},
    } as unknown as DataQueryRequest<MailpathQuery>;

    ds.query(request);
    const sent = parent.mock.calls[0][0];
    const got = ds.applyTemplateVariables(sent.targets[0], sent.scopedVars);
    expect(got.tag).toBe('run-1700000000000-1700003600000');
    parent.mockRestore();
  });
});

describe('filterQuery', () => {
  const cases: Array<{ name: string; q: any; want: boolean }> = [
    { name: 'runs a trace by Message-ID', q: trace({ messageId: '<m@x>' }), want: true },
    { name: 'runs a trace by tag', q: trace({ tag: 'probe-1' }), want: true },
    { name: 'skips a trace without a seed', q: trace({}), want: false },
    { name: 'skips a trace whose seed is blank', q: trace({ sender: '  ' }), want: false },
    { name: 'runs a search without filters', q: { refId: 'A', queryType: 'search' }, want: true },
    { name: 'skips a hidden query', q: trace({ messageId: '<m@x>', hide: true }), want: false },
    {
      name: 'runs an old seeded query',
      q: { refId: 'A', seed: { kind: 'message_id', value: '<m@x>' } },
      want: true,
    },
  ];

  it.each(cases)('$name', ({ q, want }) => {
    expect(newDataSource().filterQuery(q)).toBe(want);
  });
});

describe('resources', () => {
  it('serves the hosts and senders variable queries', async () => {
    const ds = newDataSource();
    const get = jest.spyOn(ds, 'getResource').mockImplementation(async (path: string) => {
      return path === 'hosts' ? ['mx1', 'mx2'] : ['alice@example.net'];
    });

    await expect(ds.metricFindQuery('hosts')).resolves.toEqual([
      { text: 'mx1', value: 'mx1' },
      { text: 'mx2', value: 'mx2' },
    ]);
    await expect(ds.metricFindQuery({ query: 'senders ali' })).resolves.toEqual([
      { text: 'alice@example.net', value: 'alice@example.net' },
    ]);
    expect(get).toHaveBeenCalledWith('hosts');
    expect(get).toHaveBeenCalledWith('suggest', { kind: 'sender', prefix: 'ali' });
    await expect(ds.metricFindQuery('queues')).rejects.toThrow(/unknown variable query/);
  });

  it('asks for the events of a node and of an edge', async () => {
    const ds = newDataSource();
    const get = jest.spyOn(ds, 'getResource').mockResolvedValue([]);

    await ds.getNodeEvents('<m@x>', 'mx1');
    await ds.getEdgeEvents('<m@x>', 'mx1', 'mx2');
    await ds.suggest('message_id', '<m');
    expect(get.mock.calls).toEqual([
      ['node', { messageId: '<m@x>', host: 'mx1' }],
      ['edge', { messageId: '<m@x>', source: 'mx1', target: 'mx2' }],
      ['suggest', { kind: 'message_id', prefix: '<m' }],
    ]);
  });
});

describe('Explore', () => {
  it('turns a Message-ID filter into a trace of that message', () => {
    const search: MailpathQuery = { refId: 'A', queryType: 'search', sender: 'a@b' };
    const got = newDataSource().modifyQuery(search, {
      type: 'ADD_FILTER',
      options: { key: 'message_id', value: '<m@x>' },
    });
    expect(got).toMatchObject({ queryType: 'trace', messageId: '<m@x>' });
    expect(got.sender).toBeUndefined();
  });

  it('leaves the query alone for filters it cannot seed from', () => {
    const q = trace({ messageId: '<m@x>' });
    const ds = newDataSource();
    expect(ds.modifyQuery(q, { type: 'ADD_FILTER', options: { key: 'pid', value: '1' } })).toBe(q);
    expect(ds.modifyQuery(q, { type: 'ADD_FILTER_OUT', options: { key: 'to', value: 'x' } })).toBe(
      q
    );
  });

  it('shows a trace in query history by its seed', () => {
    expect(newDataSource().getQueryDisplayText(trace({ queueId: 'mx1:Q1' }))).toBe('trace mx1:Q1');
  });

  it('starts Explore with a trace by Message-ID', () => {
    expect(newDataSource().getDefaultQuery('explore' as any)).toMatchObject({ queryType: 'trace' });
  });
});
