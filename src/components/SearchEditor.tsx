import React from 'react';

import { Combobox, InlineField, InlineFieldRow, MultiCombobox } from '@grafana/ui';

import { DataSource } from '../datasource';
import { DISPOSITIONS, MailpathQuery } from '../types';
import { DraftInput } from './DraftInput';
import { INPUT_WIDTH, LABEL_WIDTH } from './layout';
import { toOption, useHosts } from './useHosts';

interface Props {
  query: MailpathQuery;
  /** onChange gets the next query and whether to run it. */
  onChange: (q: MailpathQuery, run: boolean) => void;
  datasource: DataSource;
}

type TextFilter = 'sender' | 'recipient' | 'tag' | 'client';

const TEXT_FILTERS: Array<{ key: TextFilter; label: string; placeholder: string }> = [
  { key: 'sender', label: 'Sender', placeholder: 'alice@example.net' },
  { key: 'recipient', label: 'Recipient', placeholder: 'bob@example.org' },
  { key: 'tag', label: 'Tag', placeholder: 'subject or probe tag' },
  { key: 'client', label: 'Client', placeholder: 'name or address of the SMTP client' },
];

const STATUS_OPTIONS = DISPOSITIONS.map((value) => ({ label: value.replace('_', ' '), value }));

/** SearchEditor edits a search: where mail entered, who sent it to whom, and how it ended. */
export function SearchEditor({ query, onChange, datasource }: Props) {
  const hosts = useHosts(datasource);
  const selected = query.entryHosts ?? [];
  // Keep chosen hosts and $variables selectable even when the resource does not list them.
  const hostOptions = [
    ...hosts.options,
    ...selected.filter((h) => !hosts.options.some((o) => o.value === h)).map(toOption),
  ];
  const commitText = (key: TextFilter) => (v: string, changed: boolean) =>
    onChange({ ...query, [key]: v.trim() || undefined }, changed || v !== '');

  return (
    <>
      <InlineField
        label="Entry hosts"
        labelWidth={LABEL_WIDTH}
        htmlFor={`${query.refId}-entry-hosts`}
        tooltip="Hosts where the message entered the system"
        invalid={Boolean(hosts.error)}
        error={hosts.error && `hosts could not be loaded: ${hosts.error}`}
      >
        <MultiCombobox
          id={`${query.refId}-entry-hosts`}
          width={INPUT_WIDTH}
          createCustomValue
          loading={hosts.loading}
          placeholder="any host"
          options={hostOptions}
          value={selected}
          onChange={(opts) => onChange({ ...query, entryHosts: values(opts) }, true)}
        />
      </InlineField>
      <InlineFieldRow>
        {TEXT_FILTERS.map(({ key, label, placeholder }) => (
          <InlineField
            key={key}
            label={label}
            labelWidth={key === 'sender' ? LABEL_WIDTH : undefined}
          >
            <DraftInput
              id={`${query.refId}-${key}`}
              aria-label={label}
              width={28}
              placeholder={placeholder}
              value={query[key] ?? ''}
              onCommit={commitText(key)}
            />
          </InlineField>
        ))}
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField label="Status" labelWidth={LABEL_WIDTH} htmlFor={`${query.refId}-status`}>
          <Combobox
            id={`${query.refId}-status`}
            width={20}
            isClearable
            placeholder="any"
            options={STATUS_OPTIONS}
            value={query.status ?? null}
            onChange={(o) => onChange({ ...query, status: o?.value }, true)}
          />
        </InlineField>
        <InlineField label="Limit" tooltip="Most messages to list">
          <DraftInput
            id={`${query.refId}-limit`}
            aria-label="Limit"
            type="number"
            min={1}
            width={12}
            placeholder="100"
            value={query.limit === undefined ? '' : String(query.limit)}
            onCommit={(v, changed) => onChange({ ...query, limit: toLimit(v) }, changed)}
          />
        </InlineField>
      </InlineFieldRow>
    </>
  );
}

function values(opts: Array<{ value: string }>): string[] {
  return opts.map((o) => o.value).filter((v) => v !== '');
}

function toLimit(text: string): number | undefined {
  const n = Math.floor(Number(text));
  return text.trim() !== '' && n > 0 ? n : undefined;
}
