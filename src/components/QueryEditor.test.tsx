import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import React from 'react';

import { DataSource } from '../datasource';
import { MailpathQuery } from '../types';
import { QueryEditor } from './QueryEditor';

function setup(query: Partial<MailpathQuery>) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  const datasource = { getHosts: jest.fn().mockResolvedValue(['mx1', 'mx2']) };
  const q = { refId: 'A', ...query } as MailpathQuery;
  const view = render(
    <QueryEditor
      query={q}
      onChange={onChange}
      onRunQuery={onRunQuery}
      datasource={datasource as unknown as DataSource}
    />
  );
  return { onChange, onRunQuery, datasource, view };
}

describe('QueryEditor', () => {
  it('runs a trace by the Message-ID typed in, as in Explore', () => {
    const { onChange, onRunQuery } = setup({ queryType: 'trace' });
    const input = screen.getByLabelText('Message-ID');

    fireEvent.change(input, { target: { value: ' <abc.123@example.net> ' } });
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.keyDown(input, { key: 'Enter' });

    expect(onChange).toHaveBeenCalledWith(
      expect.objectContaining({
        refId: 'A',
        schemaVersion: 1,
        queryType: 'trace',
        messageId: '<abc.123@example.net>',
      })
    );
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('runs the trace when the seed input loses focus after a change', () => {
    const { onChange, onRunQuery } = setup({ queryType: 'trace' });
    const input = screen.getByLabelText('Message-ID');

    fireEvent.blur(input);
    expect(onRunQuery).not.toHaveBeenCalled();
    fireEvent.change(input, { target: { value: '<m@x>' } });
    fireEvent.blur(input);
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ messageId: '<m@x>' }));
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('switches from trace to search and back', async () => {
    const { onChange, onRunQuery, view } = setup({ queryType: 'trace', messageId: '<m@x>' });

    fireEvent.click(screen.getByLabelText('Search'));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ queryType: 'search' }));
    expect(onRunQuery).toHaveBeenCalledTimes(1);

    view.rerender(
      <QueryEditor
        query={onChange.mock.calls[0][0]}
        onChange={onChange}
        onRunQuery={onRunQuery}
        datasource={{ getHosts: async () => [] } as unknown as DataSource}
      />
    );
    await act(() => Promise.resolve());
    expect(screen.getByLabelText('Entry hosts')).toBeInTheDocument();
    expect(screen.queryByLabelText('Message-ID')).not.toBeInTheDocument();

    fireEvent.click(screen.getByLabelText('Trace'));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ queryType: 'trace' }));
  });

  it('shows the seed of a query saved in the old shape', () => {
    setup({ seed: { kind: 'queue_id', value: 'Q1', host: 'mx1' } } as any);

    expect(screen.getByLabelText('Queue ID')).toHaveValue('mx1:Q1');
  });

  it('picks the frames a trace returns', () => {
    const { onChange, onRunQuery } = setup({ queryType: 'trace', messageId: '<m@x>' });

    fireEvent.click(screen.getByLabelText('Graph'));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ output: 'graph' }));
    expect(onRunQuery).toHaveBeenCalled();
  });

  it('loads entry hosts from the hosts resource and sets search filters', async () => {
    const { onChange, onRunQuery, datasource } = setup({ queryType: 'search' });
    await waitFor(() => expect(datasource.getHosts).toHaveBeenCalledTimes(1));

    const sender = screen.getByLabelText('Sender');
    fireEvent.change(sender, { target: { value: 'alice@example.net' } });
    fireEvent.keyDown(sender, { key: 'Enter' });
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ queryType: 'search', sender: 'alice@example.net' })
    );
    expect(onRunQuery).toHaveBeenCalledTimes(1);

    const limit = screen.getByLabelText('Limit');
    fireEvent.change(limit, { target: { value: '20' } });
    fireEvent.blur(limit);
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ limit: 20 }));
  });
});
