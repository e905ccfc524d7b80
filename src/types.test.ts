import { hasSeed, migrate, SCHEMA_VERSION, seedKindOf, withSeed } from './types';

describe('migrate', () => {
  const cases: Array<{ name: string; in: any; want: Record<string, unknown>; absent?: string[] }> =
    [
      {
        name: 'fills a missing query with a trace',
        in: undefined,
        want: { schemaVersion: 1, queryType: 'trace', output: 'all' },
      },
      {
        name: 'turns a message_id seed into messageId',
        in: { refId: 'A', seed: { kind: 'message_id', value: '<a@example.net>' } },
        want: { refId: 'A', schemaVersion: 1, queryType: 'trace', messageId: '<a@example.net>' },
      },
      {
        name: 'joins the host of an old queue ID seed as HOST:QID',
        in: { refId: 'B', seed: { kind: 'queue_id', value: '4Zx1Hc3zQ9', host: 'mx1' } },
        want: { queueId: 'mx1:4Zx1Hc3zQ9', queryType: 'trace' },
      },
      {
        name: 'keeps a queue ID that already names its host',
        in: { refId: 'B', seed: { kind: 'queueId', value: 'mx2:ABC', host: 'mx1' } },
        want: { queueId: 'mx2:ABC' },
      },
      {
        name: 'maps the from and to seed kinds to sender and recipient',
        in: { refId: 'C', seed: { kind: 'FROM', value: 'alice@example.net' } },
        want: { sender: 'alice@example.net', queryType: 'trace' },
      },
      {
        name: 'keeps only the seed of the old seed object',
        in: { refId: 'D', sender: 'x@example.net', seed: { kind: 'tag', value: 'probe-7' } },
        want: { tag: 'probe-7' },
        absent: ['sender'],
      },
      {
        name: 'ignores a seed of an unknown kind',
        in: { refId: 'E', seed: { kind: 'subject-line', value: 'hi' } },
        want: { queryType: 'trace' },
        absent: ['tag', 'messageId'],
      },
      {
        name: 'takes a version-less query with search filters as a search',
        in: { refId: 'F', entryHost: 'mx1, mx2', status: 'deferred', limit: '50' },
        want: { queryType: 'search', entryHosts: ['mx1', 'mx2'], status: 'deferred', limit: 50 },
      },
      {
        name: 'takes a version-less query with only a sender as a trace',
        in: { refId: 'G', sender: 'alice@example.net' },
        want: { queryType: 'trace', sender: 'alice@example.net', output: 'all' },
      },
      {
        name: 'keeps the queryType a version-less query names',
        in: { refId: 'H', queryType: 'search', sender: 'alice@example.net' },
        want: { queryType: 'search', schemaVersion: 1 },
      },
      {
        name: 'drops a limit that is not a positive number',
        in: { refId: 'I', queryType: 'search', limit: 'lots' },
        want: { queryType: 'search' },
        absent: ['limit'],
      },
      {
        name: 'passes a current query through',
        in: { refId: 'J', schemaVersion: 1, queryType: 'search', entryHosts: ['mx1'], limit: 5 },
        want: { refId: 'J', schemaVersion: 1, queryType: 'search', entryHosts: ['mx1'], limit: 5 },
      },
      {
        name: 'repairs a bad queryType on a current query',
        in: { refId: 'K', schemaVersion: 1, queryType: 'flow', messageId: '<m@x>' },
        want: { queryType: 'trace', messageId: '<m@x>' },
      },
    ];

  it.each(cases)('$name', ({ in: input, want, absent = [] }) => {
    const got = migrate(input);
    expect(got).toMatchObject(want);
    for (const key of absent) {
      expect(got[key as keyof typeof got]).toBeUndefined();
    }
  });

  it('never leaves the old seed or entryHost keys behind', () => {
    const q = migrate({ refId: 'A', seed: { kind: 'sender', value: 'a@b' }, entryHost: 'mx1' });
    expect(q).not.toHaveProperty('seed');
    expect(q).not.toHaveProperty('entryHost');
    expect(q.schemaVersion).toBe(SCHEMA_VERSION);
  });

  it('keeps a topology query a topology query', () => {
    expect(migrate({ refId: 'A', queryType: 'topology' }).queryType).toBe('topology');
  });

  it('is idempotent', () => {
    const once = migrate({ refId: 'A', seed: { kind: 'qid', value: 'Q1', host: 'mx1' } });
    expect(migrate(once)).toEqual(once);
  });
});

describe('seeds', () => {
  it('finds the seed kind even when its value is still empty', () => {
    expect(seedKindOf({ recipient: '' })).toBe('recipient');
    expect(seedKindOf({})).toBe('messageId');
  });

  it('counts only seeds with text in them', () => {
    expect(hasSeed({ messageId: '  ' })).toBe(false);
    expect(hasSeed({ tag: 'probe-1' })).toBe(true);
  });

  it('keeps exactly one seed', () => {
    const q = withSeed({ refId: 'A', queryType: 'trace', messageId: '<m@x>' }, 'sender', 'a@b');
    expect(q).toEqual({ refId: 'A', queryType: 'trace', sender: 'a@b' });
  });
});
