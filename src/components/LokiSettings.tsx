import React from 'react';

import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { InlineField, InlineSwitch, Input, SecretInput, SecretTextArea } from '@grafana/ui';

import { SecretKey, Settings, withJson, withoutSecret, withSecret } from '../settings';
import { DEFAULT_LABELS, MailpathOptions, MailpathSecureOptions } from '../types';
import { INPUT_WIDTH, LABEL_WIDTH } from './layout';

type Props = DataSourcePluginOptionsEditorProps<MailpathOptions, MailpathSecureOptions>;
type TextKey = 'lokiUrl' | 'tenant' | 'lokiUser' | 'job' | keyof typeof DEFAULT_LABELS;

const LABEL_FIELDS: Array<{ key: keyof typeof DEFAULT_LABELS; label: string; tooltip: string }> = [
  { key: 'labelHost', label: 'Host label', tooltip: 'Label holding the syslog hostname' },
  { key: 'labelProgram', label: 'Program label', tooltip: 'Label holding the syslog tag' },
  { key: 'labelJob', label: 'Job label', tooltip: 'Label the job filter matches' },
  { key: 'labelPid', label: 'PID label', tooltip: 'Label or structured metadata with the PID' },
];

/** LokiSettings edits the Loki connection, its secrets and the label schema of the streams. */
export function LokiSettings({ options, onOptionsChange }: Props) {
  const text = (key: TextKey) => ({
    width: INPUT_WIDTH,
    value: options.jsonData[key] ?? '',
    onChange: (e: React.FormEvent<HTMLInputElement>) =>
      onOptionsChange(withJson(options, { [key]: e.currentTarget.value })),
  });
  const secret = (key: SecretKey) => secretProps(options, onOptionsChange, key);

  return (
    <>
      <InlineField label="Loki URL" labelWidth={LABEL_WIDTH} required>
        <Input id="config-loki-url" placeholder="http://loki:3100" {...text('lokiUrl')} />
      </InlineField>
      <InlineField label="Tenant" labelWidth={LABEL_WIDTH} tooltip="Sent as X-Scope-OrgID">
        <Input id="config-tenant" placeholder="none" {...text('tenant')} />
      </InlineField>
      <InlineField label="User" labelWidth={LABEL_WIDTH} tooltip="Basic auth user">
        <Input id="config-loki-user" {...text('lokiUser')} />
      </InlineField>
      <InlineField label="Password" labelWidth={LABEL_WIDTH} tooltip="Basic auth password">
        <SecretInput id="config-loki-password" width={INPUT_WIDTH} {...secret('lokiPassword')} />
      </InlineField>
      <InlineField label="Token" labelWidth={LABEL_WIDTH} tooltip="Sent as a Bearer token">
        <SecretInput id="config-loki-token" width={INPUT_WIDTH} {...secret('lokiToken')} />
      </InlineField>
      <InlineField label="CA certificate" labelWidth={LABEL_WIDTH} tooltip="PEM, for a private CA">
        <SecretTextArea
          id="config-ca-cert"
          cols={60}
          rows={5}
          placeholder="-----BEGIN CERTIFICATE-----"
          {...secret('tlsCACert')}
        />
      </InlineField>
      <InlineField label="Skip TLS verify" labelWidth={LABEL_WIDTH}>
        <InlineSwitch
          id="config-tls-skip-verify"
          value={options.jsonData.tlsSkipVerify ?? false}
          onChange={(e) =>
            onOptionsChange(withJson(options, { tlsSkipVerify: e.currentTarget.checked }))
          }
        />
      </InlineField>

      {LABEL_FIELDS.map(({ key, label, tooltip }) => (
        <InlineField key={key} label={label} labelWidth={LABEL_WIDTH} tooltip={tooltip}>
          <Input id={`config-${key}`} placeholder={DEFAULT_LABELS[key]} {...text(key)} />
        </InlineField>
      ))}
      <InlineField label="Job" labelWidth={LABEL_WIDTH} tooltip="Only read streams of this job">
        <Input id="config-job" placeholder="any" {...text('job')} />
      </InlineField>
    </>
  );
}

// secretProps wires one secret field: what is stored shows as configured, a new value goes to
// secureJsonData only, and Reset clears the stored one.
function secretProps(s: Settings, onOptionsChange: Props['onOptionsChange'], key: SecretKey) {
  return {
    isConfigured: Boolean(s.secureJsonFields?.[key]),
    value: s.secureJsonData?.[key] ?? '',
    onChange: (e: React.FormEvent<HTMLInputElement | HTMLTextAreaElement>) =>
      onOptionsChange(withSecret(s, key, e.currentTarget.value)),
    onReset: () => onOptionsChange(withoutSecret(s, key)),
  };
}
