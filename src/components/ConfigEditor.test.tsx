import { fireEvent, render, screen } from '@testing-library/react';
import React from 'react';

import { Settings } from '../settings';
import { ConfigEditor } from './ConfigEditor';

function settings(over: Partial<Settings> = {}): Settings {
  return {
    id: 1,
    uid: 'mailpath',
    orgId: 1,
    name: 'Mailpath',
    type: 'mailpath-trace-datasource',
    typeName: 'Mailpath',
    typeLogoUrl: '',
    access: 'proxy',
    url: '',
    user: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    readOnly: false,
    withCredentials: false,
    jsonData: { source: 'loki' },
    secureJsonFields: {},
    ...over,
  } as Settings;
}

function setup(options: Settings) {
  const onOptionsChange = jest.fn();
  render(<ConfigEditor options={options} onOptionsChange={onOptionsChange} />);
  const last = (): Settings => onOptionsChange.mock.calls.at(-1)[0];
  return { onOptionsChange, last };
}

describe('ConfigEditor', () => {
  it.each([
    ['Password', 'lokiPassword'],
    ['Token', 'lokiToken'],
    ['CA certificate', 'tlsCACert'],
  ])('writes the %s only to secureJsonData', (label, key) => {
    const { last } = setup(settings());

    fireEvent.change(screen.getByLabelText(label), { target: { value: 's3cret' } });
    const got = last();
    expect(got.secureJsonData).toEqual({ [key]: 's3cret' });
    expect(JSON.stringify(got.jsonData)).not.toContain('s3cret');
    expect(got.jsonData).not.toHaveProperty(key);
  });

  it('shows a stored secret as configured and resets it', () => {
    const { last } = setup(settings({ secureJsonFields: { lokiToken: true } }));

    fireEvent.click(screen.getByRole('button', { name: 'Reset' }));
    const got = last();
    expect(got.secureJsonFields.lokiToken).toBe(false);
    expect(got.secureJsonData).toEqual({ lokiToken: '' });
    expect(got.jsonData).not.toHaveProperty('lokiToken');
  });

  it('writes the expected routes to jsonData, not to the secrets', () => {
    const { last } = setup(settings());
    fireEvent.change(document.getElementById('config-routes')!, {
      target: { value: 'routes: []' },
    });
    expect(last().jsonData.routesYaml).toBe('routes: []');
    expect(last().secureJsonData).toBeUndefined();
  });

  it('writes plain Loki settings to jsonData', () => {
    const { last } = setup(settings());

    fireEvent.change(screen.getByLabelText(/^Loki URL/), { target: { value: 'http://loki:3100' } });
    expect(last().jsonData).toEqual({ source: 'loki', lokiUrl: 'http://loki:3100' });
    expect(last().secureJsonData).toBeUndefined();
  });

  it('offers the default label names as placeholders', () => {
    setup(settings());

    expect(screen.getByLabelText('Host label')).toHaveAttribute('placeholder', 'host');
    expect(screen.getByLabelText('Program label')).toHaveAttribute('placeholder', 'app');
    expect(screen.getByLabelText('Job label')).toHaveAttribute('placeholder', 'job');
    expect(screen.getByLabelText('PID label')).toHaveAttribute('placeholder', 'pid');
  });

  it('switches the log source to files', () => {
    const { last } = setup(settings());

    fireEvent.click(screen.getByLabelText('Files'));
    expect(last().jsonData.source).toBe('files');
  });

  it('keeps one log file a line and drops blank lines on blur', () => {
    const { last } = setup(settings({ jsonData: { source: 'files' } }));
    const files = screen.getByLabelText('Log files');

    fireEvent.change(files, { target: { value: '/var/log/mail.log\n' } });
    expect(last().jsonData.logFiles).toEqual(['/var/log/mail.log', '']);
    fireEvent.blur(files, { target: { value: '/var/log/mail.log\n\n /var/log/mx2.log ' } });
    expect(last().jsonData.logFiles).toEqual(['/var/log/mail.log', '/var/log/mx2.log']);
    expect(screen.queryByLabelText(/^Loki URL/)).not.toBeInTheDocument();
  });

  it('stores the timeout as whole seconds, the int the backend reads', () => {
    const { last } = setup(settings());

    fireEvent.change(screen.getByLabelText('Timeout'), { target: { value: '45.7' } });
    expect(last().jsonData.timeoutSeconds).toBe(45);
    fireEvent.change(screen.getByLabelText('Timeout'), { target: { value: '0' } });
    expect(last().jsonData.timeoutSeconds).toBeUndefined();
  });
});
