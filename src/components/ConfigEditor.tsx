import React from 'react';

import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { InlineField, Input, RadioButtonGroup, TextArea } from '@grafana/ui';

import { wholeSeconds, withJson } from '../settings';
import { MailpathOptions, MailpathSecureOptions } from '../types';
import { FilesSettings } from './FilesSettings';
import { LABEL_WIDTH, INPUT_WIDTH } from './layout';
import { LokiSettings } from './LokiSettings';

type Props = DataSourcePluginOptionsEditorProps<MailpathOptions, MailpathSecureOptions>;

const SOURCES = [
  { label: 'Loki', value: 'loki' as const },
  { label: 'Files', value: 'files' as const },
];

/** ConfigEditor edits one Mailpath data source: where the logs are and how far a trace looks. */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData } = options;
  const source = jsonData.source ?? 'loki';

  return (
    <>
      <InlineField label="Log source" labelWidth={LABEL_WIDTH} tooltip="Where mail logs are read">
        <RadioButtonGroup
          options={SOURCES}
          value={source}
          onChange={(v) => onOptionsChange(withJson(options, { source: v }))}
        />
      </InlineField>

      {source === 'loki' ? (
        <LokiSettings options={options} onOptionsChange={onOptionsChange} />
      ) : (
        <FilesSettings options={options} onOptionsChange={onOptionsChange} />
      )}

      <InlineField
        label="Window"
        labelWidth={LABEL_WIDTH}
        tooltip="How far before and after a seed a trace looks, as a duration such as 24h"
      >
        <Input
          id="config-window"
          width={INPUT_WIDTH}
          placeholder="24h"
          value={jsonData.window ?? ''}
          onChange={(e) => onOptionsChange(withJson(options, { window: e.currentTarget.value }))}
        />
      </InlineField>
      <InlineField
        label="Routes"
        labelWidth={LABEL_WIDTH}
        grow
        tooltip={
          'Expected routes, in the route file format (see provisioning/routes); ' +
          'the health check reports mistakes with line and column'
        }
      >
        <TextArea
          id="config-routes"
          rows={8}
          placeholder={'routes:\n  - name: inbound\n    stages: ...'}
          value={jsonData.routesYaml ?? ''}
          onChange={(e) =>
            onOptionsChange(withJson(options, { routesYaml: e.currentTarget.value }))
          }
        />
      </InlineField>
      <InlineField
        label="Timeout"
        labelWidth={LABEL_WIDTH}
        tooltip="Seconds one Loki request may take"
      >
        <Input
          id="config-timeout"
          type="number"
          min={1}
          width={INPUT_WIDTH}
          placeholder="30"
          value={jsonData.timeoutSeconds ?? ''}
          onChange={(e) =>
            onOptionsChange(
              withJson(options, { timeoutSeconds: wholeSeconds(e.currentTarget.value) })
            )
          }
        />
      </InlineField>
    </>
  );
}
