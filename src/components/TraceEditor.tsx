import React from 'react';

import { Combobox, InlineField, InlineFieldRow, RadioButtonGroup } from '@grafana/ui';

import { MailpathQuery, SEED_KINDS, SeedKind, seedKindOf, TraceOutput, withSeed } from '../types';
import { DraftInput } from './DraftInput';
import { INPUT_WIDTH, LABEL_WIDTH } from './layout';

interface Props {
  query: MailpathQuery;
  /** onChange gets the next query and whether to run it. */
  onChange: (q: MailpathQuery, run: boolean) => void;
}

const SEED_LABELS: Record<SeedKind, { label: string; placeholder: string }> = {
  messageId: { label: 'Message-ID', placeholder: '<id@example.net>' },
  queueId: { label: 'Queue ID', placeholder: 'HOST:QID, e.g. mx1:4Zx1Hc3zQ9' },
  sender: { label: 'Sender', placeholder: 'alice@example.net' },
  recipient: { label: 'Recipient', placeholder: 'bob@example.org' },
  tag: { label: 'Tag', placeholder: 'subject or probe tag' },
};

const SEED_OPTIONS = SEED_KINDS.map((value) => ({ label: SEED_LABELS[value].label, value }));

const OUTPUTS: Array<{ label: string; value: TraceOutput; description: string }> = [
  { label: 'All', value: 'all', description: 'Node graph frames and the event table' },
  { label: 'Graph', value: 'graph', description: 'Nodes and edges only, for Node Graph panels' },
  { label: 'Events', value: 'events', description: 'The event table only' },
];

/** TraceEditor edits a trace: the seed's kind and value, and which frames come back. */
export function TraceEditor({ query, onChange }: Props) {
  const kind = seedKindOf(query);
  const value = query[kind] ?? '';
  const id = `${query.refId}-seed`;

  return (
    <InlineFieldRow>
      <InlineField label="Seed" labelWidth={LABEL_WIDTH} htmlFor={`${id}-kind`}>
        <Combobox
          id={`${id}-kind`}
          width={16}
          options={SEED_OPTIONS}
          value={kind}
          onChange={(o) => onChange(withSeed(query, o.value, ''), false)}
        />
      </InlineField>
      <InlineField label={SEED_LABELS[kind].label} htmlFor={id} grow>
        <DraftInput
          id={id}
          width={INPUT_WIDTH}
          placeholder={SEED_LABELS[kind].placeholder}
          value={value}
          onCommit={(v) => onChange(withSeed(query, kind, v.trim()), true)}
        />
      </InlineField>
      <InlineField label="Output">
        <RadioButtonGroup
          options={OUTPUTS}
          value={query.output ?? 'all'}
          onChange={(output) => onChange({ ...query, output }, true)}
        />
      </InlineField>
    </InlineFieldRow>
  );
}
