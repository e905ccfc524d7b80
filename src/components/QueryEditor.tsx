import React, { useMemo } from 'react';

import { QueryEditorProps } from '@grafana/data';
import { InlineField, RadioButtonGroup } from '@grafana/ui';

import { DataSource } from '../datasource';
import { MailpathOptions, MailpathQuery, migrate, QueryType } from '../types';
import { LABEL_WIDTH } from './layout';
import { SearchEditor } from './SearchEditor';
import { TraceEditor } from './TraceEditor';

type Props = QueryEditorProps<DataSource, MailpathQuery, MailpathOptions>;

const QUERY_TYPES: Array<{ label: string; value: QueryType; description: string }> = [
  { label: 'Trace', value: 'trace', description: 'Follow one seed through every host' },
  { label: 'Search', value: 'search', description: 'List the messages that match filters' },
  {
    label: 'Topology',
    value: 'topology',
    description: 'Every host and hop seen in the time range, with message counts',
  },
];

/** QueryEditor picks the query type and hands the migrated query to that type's editor. */
export function QueryEditor({ query, onChange, onRunQuery, datasource }: Props) {
  const q = useMemo(() => migrate(query), [query]);
  const change = (next: MailpathQuery, run: boolean) => {
    onChange(next);
    if (run) {
      onRunQuery();
    }
  };

  return (
    <>
      <InlineField label="Query type" labelWidth={LABEL_WIDTH}>
        <RadioButtonGroup
          options={QUERY_TYPES}
          value={q.queryType}
          onChange={(queryType) => change({ ...q, queryType }, true)}
        />
      </InlineField>
      {q.queryType === 'search' && (
        <SearchEditor query={q} onChange={change} datasource={datasource} />
      )}
      {q.queryType === 'trace' && <TraceEditor query={q} onChange={change} />}
    </>
  );
}
