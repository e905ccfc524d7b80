/*
 * The harness page: PathMapPanel rendered as Grafana would render it, without Grafana.
 *
 * pkg/browsertest serves this bundle beside the frames the real plugin returned and forwards
 * /api/datasources/uid/<uid>/resources/* to that plugin, so the panel meets real frames and a
 * real lines resource. pathmap.mjs drives it through window.mailpathRender and
 * window.mailpathArmClick, which time the panel from inside the page.
 */

import React from 'react';
import { createRoot, Root } from 'react-dom/client';

import {
  createTheme,
  DataFrame,
  dataFrameFromJSON,
  DataFrameJSON,
  dateTime,
  EventBusSrv,
  LoadingState,
  PanelProps,
  ThemeContext,
} from '@grafana/data';

import { PathMapPanel } from '../../src/panel/PathMapPanel';
import {
  fromJSON,
  LineFetcher,
  LineFetcherContext,
  lineParams,
  resourcePath,
} from '../../src/panel/lines';
import { DEFAULT_OPTIONS, PathMapOptions } from '../../src/panel/types';

/** RenderArgs says what to draw: the URL of a query answer and the query's time range. */
interface RenderArgs {
  frames: string;
  from: string;
  to: string;
  width?: number;
  height?: number;
  options?: Partial<PathMapOptions>;
  /** foreign waits for the panel's not-Mailpath message instead of a ready map. */
  foreign?: boolean;
}

/** QueryAnswer is what Grafana's /api/ds/query returns, and the SDK's JSON of a response. */
interface QueryAnswer {
  results: Record<string, { frames?: DataFrameJSON[]; error?: string }>;
}

/** ClickTiming is measured from the click event's time stamp, in milliseconds. */
interface ClickTiming {
  drawerMs: number;
  linesMs: number;
  lines: number;
}

declare global {
  interface Window {
    mailpathRender: (args: RenderArgs) => Promise<{ renderMs: number }>;
    mailpathArmClick: () => void;
    mailpathClickResult: () => Promise<ClickTiming>;
  }
}

const READY = 'svg[data-testid="pathmap"][data-ready="true"]';
const FOREIGN = '[data-testid="pathmap-foreign"]';
const DRAWER = '[data-testid="pathmap-drawer"]';
const LINE = '[data-testid="drawer-line"]';

// ?theme=light for the light theme; Grafana's default, dark, otherwise.
const theme = createTheme({
  colors: {
    mode: new URLSearchParams(location.search).get('theme') === 'light' ? 'light' : 'dark',
  },
});

// The lines resource at the URL Grafana's backendSrv would call (the panel's resourcePath);
// the test server forwards it to the plugin's CallResource.
const fetchLines: LineFetcher = async (uid, q) => {
  const res = await fetch(`${resourcePath(uid)}?${new URLSearchParams(lineParams(q))}`);
  if (!res.ok) {
    throw new Error(`fetching lines: status=${res.status}: ${await res.text()}`);
  }
  return fromJSON(await res.json());
};

// series turns the answer into DataFrames as Grafana's frontend does: every frame of every
// query, each frame given its query's refId when the backend left it unset.
function series(answer: QueryAnswer): DataFrame[] {
  const out: DataFrame[] = [];
  for (const [refId, result] of Object.entries(answer.results)) {
    if (result.error) {
      throw new Error(`query ${refId} failed: ${result.error}`);
    }
    for (const json of result.frames ?? []) {
      const frame = dataFrameFromJSON(json);
      frame.refId = frame.refId || refId;
      out.push(frame);
    }
  }
  return out;
}

function panelProps(frames: DataFrame[], args: RenderArgs): PanelProps<PathMapOptions> {
  const from = dateTime(args.from);
  const to = dateTime(args.to);
  const timeRange = { from, to, raw: { from: args.from, to: args.to } };
  const noop = () => {};
  return {
    id: 1,
    data: { state: LoadingState.Done, series: frames, timeRange },
    timeRange,
    timeZone: 'utc',
    options: { ...DEFAULT_OPTIONS, ...args.options },
    transparent: false,
    width: args.width ?? 1200,
    height: args.height ?? 700,
    fieldConfig: { defaults: {}, overrides: [] },
    renderCounter: 0,
    title: 'Path map',
    eventBus: new EventBusSrv(),
    onOptionsChange: noop,
    onFieldConfigChange: noop,
    replaceVariables: (s: string) => s,
    onChangeTimeRange: noop,
  };
}

// Page stands in for Grafana's panel chrome: the theme, the panel's background and size.
function Page({ props }: { props: PanelProps<PathMapOptions> }) {
  const style = {
    width: props.width,
    height: props.height,
    background: theme.colors.background.primary,
    border: `1px solid ${theme.colors.border.weak}`,
  };
  return (
    <ThemeContext.Provider value={theme}>
      <LineFetcherContext.Provider value={fetchLines}>
        <div style={style}>
          <PathMapPanel {...props} />
        </div>
      </LineFetcherContext.Provider>
    </ThemeContext.Provider>
  );
}

// when resolves with performance.now() at the first DOM change after which test holds; the
// observer runs in the microtask after the change, so the time is the change's own. It
// watches only what `watch` names: an observer taking every attribute of a 500-node map
// would add its own cost to what it times.
function when<T>(watch: MutationObserverInit, test: () => T | undefined) {
  return new Promise<{ at: number; value: T }>((resolve) => {
    const now = test();
    if (now !== undefined) {
      resolve({ at: performance.now(), value: now });
      return;
    }
    const obs = new MutationObserver(() => {
      const value = test();
      if (value !== undefined) {
        obs.disconnect();
        resolve({ at: performance.now(), value });
      }
    });
    obs.observe(document.body, { subtree: true, ...watch });
  });
}

// The map's svg arrives as a child and turns ready by its data-ready attribute; the drawer
// and its lines arrive as children.
const READY_WATCH = { childList: true, attributes: true, attributeFilter: ['data-ready'] };
const ADDED = { childList: true };

// within fails a wait that outlasts ms with what the page shows instead: page.evaluate has no
// timeout of its own, and a map that never turns ready should say why, not hang the test.
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const shown = document.body.innerText.slice(0, 500);
      reject(new Error(`${what}: not within ${ms} ms; the page shows: ${shown}`));
    }, ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      }
    );
  });
}

// WAIT bounds each wait of the page; the test's budgets are far below it.
const WAIT = 15_000;

let root: Root | undefined;
const container = document.getElementById('root')!;
document.body.style.background = theme.colors.background.canvas;
document.body.style.color = theme.colors.text.primary;
document.body.style.fontFamily = theme.typography.fontFamily;
document.body.style.padding = '8px';

window.mailpathRender = async (args) => {
  // Fetching and decoding are Grafana's work, not the panel's: they happen before the clock.
  const res = await fetch(args.frames);
  if (!res.ok) {
    throw new Error(`fetching frames: url=${args.frames} status=${res.status}`);
  }
  const props = panelProps(series(await res.json()), args);
  root?.unmount();
  root = createRoot(container);
  const ready = args.foreign
    ? when(ADDED, () => document.querySelector(FOREIGN) ?? undefined)
    : when(READY_WATCH, () => document.querySelector(READY) ?? undefined);
  const start = performance.now();
  root.render(<Page props={props} />);
  const { at } = await within(ready, WAIT, args.foreign ? 'the not-Mailpath message' : 'the map');
  return { renderMs: at - start };
};

// The click is timed from its event's time stamp, taken when the browser made the event, so
// Playwright's own round trips are not counted; the capture listener sees it before the panel.
let clicked: Promise<number> | undefined;
let drawer: Promise<{ at: number }> | undefined;
let lines: Promise<{ at: number; value: number }> | undefined;

window.mailpathArmClick = () => {
  clicked = new Promise((resolve) => {
    document.addEventListener('click', (e) => resolve(e.timeStamp), { capture: true, once: true });
  });
  drawer = when(ADDED, () => document.querySelector(DRAWER) ?? undefined);
  lines = when(ADDED, () => {
    const n = document.querySelectorAll(`${DRAWER} ${LINE}`).length;
    return n > 0 ? n : undefined;
  });
};

window.mailpathClickResult = async () => {
  if (!clicked || !drawer || !lines) {
    throw new Error('mailpathClickResult before mailpathArmClick');
  }
  const at = await within(clicked, WAIT, 'the click');
  const d = await within(drawer, WAIT, 'the drawer');
  const l = await within(lines, WAIT, "the drawer's lines");
  return { drawerMs: d.at - at, linesMs: l.at - at, lines: l.value };
};
