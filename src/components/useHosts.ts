import { useEffect, useState } from 'react';

import { ComboboxOption } from '@grafana/ui';

import { DataSource } from '../datasource';

/** HostOptions is what useHosts returns: the hosts as options, and why loading failed. */
export interface HostOptions {
  options: Array<ComboboxOption<string>>;
  loading: boolean;
  error?: string;
}

/** useHosts loads the hosts resource once per data source. */
export function useHosts(datasource: DataSource): HostOptions {
  const [state, setState] = useState<HostOptions>({ options: [], loading: true });

  useEffect(() => {
    let live = true;
    datasource.getHosts().then(
      (hosts) => live && setState({ options: hosts.map(toOption), loading: false }),
      (err) => live && setState({ options: [], loading: false, error: errorText(err) })
    );
    return () => {
      live = false;
    };
  }, [datasource]);
  return state;
}

/** toOption makes a Select option of a host or a template variable. */
export function toOption(value: string): ComboboxOption<string> {
  return { label: value, value };
}

function errorText(err: unknown): string {
  const e = err as { data?: { message?: string }; message?: string };
  return e?.data?.message ?? e?.message ?? String(err);
}
