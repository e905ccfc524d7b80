import { ScopedVars } from '@grafana/data';

/**
 * fakeTemplateSrv replaces $name and ${name} from vars, then from scopedVars, as Grafana's
 * template service does for the formats the data source uses: multi-value variables become
 * {a,b} by default and a,b with the csv format.
 */
export function fakeTemplateSrv(vars: Record<string, string | string[]>) {
  return {
    replace: jest.fn((target?: string, scopedVars?: ScopedVars, format?: string) =>
      (target ?? '').replace(/\$\{(\w+)\}|\$(\w+)/g, (match, braced, bare) => {
        const name = braced ?? bare;
        const value = scopedVars?.[name]?.value ?? vars[name];
        if (value === undefined) {
          return match;
        }
        if (Array.isArray(value)) {
          return format === 'csv' ? value.join(',') : `{${value.join(',')}}`;
        }
        return String(value);
      })
    ),
    getVariables: () => [],
    containsTemplate: (t?: string) => /\$/.test(t ?? ''),
    updateTimeRange: () => {},
  };
}
