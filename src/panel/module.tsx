import { PanelPlugin, PanelProps } from '@grafana/data';
import { getBackendSrv } from '@grafana/runtime';
import React from 'react';

import { fromJSON, LineFetcher, LineFetcherContext, lineParams, resourcePath } from './lines';
import { PathMapPanel } from './PathMapPanel';
import { DEFAULT_OPTIONS, PathMapOptions } from './types';

/** fetchLines asks the data source's lines resource through Grafana's backend service. */
const fetchLines: LineFetcher = async (uid, q) =>
  fromJSON(await getBackendSrv().get(resourcePath(uid), lineParams(q)));

function InGrafana(props: PanelProps<PathMapOptions>) {
  return (
    <LineFetcherContext.Provider value={fetchLines}>
      <PathMapPanel {...props} />
    </LineFetcherContext.Provider>
  );
}

export const plugin = new PanelPlugin<PathMapOptions>(InGrafana).setPanelOptions((b) =>
  b
    .addTextInput({
      path: 'refId',
      name: 'Query',
      description: 'RefId of the query whose frames to draw; empty takes the first Mailpath trace.',
      defaultValue: DEFAULT_OPTIONS.refId,
    })
    .addBooleanSwitch({
      path: 'showExpected',
      name: 'Show expected hops not taken',
      description: 'Draw the stages the route expected and the mail skipped, dashed.',
      defaultValue: DEFAULT_OPTIONS.showExpected,
    })
    .addRadio({
      path: 'labels',
      name: 'Node labels',
      defaultValue: DEFAULT_OPTIONS.labels,
      settings: {
        options: [
          { value: 'compact', label: 'Compact' },
          { value: 'detailed', label: 'Detailed' },
        ],
      },
    })
    .addTextInput({
      path: 'timeZone',
      name: 'Time zone',
      description: "An IANA zone such as Europe/Berlin, or utc; empty follows the dashboard's.",
      defaultValue: DEFAULT_OPTIONS.timeZone,
    })
);
