import { css } from '@emotion/css';
import { GrafanaTheme2, PanelProps } from '@grafana/data';
import { Alert, Drawer, useStyles2, useTheme2 } from '@grafana/ui';
import React, { useCallback, useContext, useEffect, useMemo, useState } from 'react';

import { DASH, LEGEND, palette } from './colors';
import { Details } from './Details';
import { exploreUrl } from './explore';
import { layout } from './layout';
import { LineFetcherContext } from './lines';
import { linesFor, readFrames, recipientPath, visible } from './model';
import { PathMap, Target } from './PathMap';
import { expectedOnly, factsOf, Subject, subjectOf, titleOf } from './select';
import { SUMMARY_HEIGHT, Summary as SummaryView } from './Summary';
import { EventRow, PathMapOptions, PathModel, STATUSES } from './types';

/** PathMapPanel draws a Mailpath trace: the path taken against the expected route. */
export function PathMapPanel(props: PanelProps<PathMapOptions>) {
  const { options, data } = props;
  const s = useStyles2(styles);
  const reading = useMemo(
    () => readFrames(data.series, options.refId),
    [data.series, options.refId]
  );
  if (reading.kind === 'nothing') {
    return <Message text={reading.why} />;
  }
  if (reading.kind === 'foreign') {
    return (
      <div className={s.message} data-testid="pathmap-foreign">
        {reading.why}
      </div>
    );
  }
  const { summary } = reading.model;
  if (summary.messages.length === 0) {
    // A search cut short may have missed the message: say so, with the data source's reason.
    const cut = summary.partial
      ? ` The search was partial: ${(summary.reasons ?? []).join('; ') || 'no reason given'}.`
      : '';
    return <Message text={`No trace: no message matched the query in this time range.${cut}`} />;
  }
  return <Drawn {...props} model={reading.model} />;
}

function Message({ text }: { text: string }) {
  const s = useStyles2(styles);
  return (
    <div className={s.message} data-testid="pathmap-empty">
      {text}
    </div>
  );
}

function Drawn(props: PanelProps<PathMapOptions> & { model: PathModel }) {
  const { options, width, height } = props;
  const s = useStyles2(styles);
  const theme = useTheme2();
  const colors = useMemo(() => palette(theme), [theme]);
  const model = useMemo(
    () => visible(props.model, options.showExpected),
    [props.model, options.showExpected]
  );
  const geometry = useMemo(() => layout(model, options.labels), [model, options.labels]);
  const [hovered, setHovered] = useState<string[]>();
  const [target, setTarget] = useState<Target>();
  const highlight = useMemo(() => union(model, hovered), [model, hovered]);
  const zone = zoneOption(options.timeZone);
  const timeZone = zone.ok ? zone.zone || props.timeZone : props.timeZone;
  const subject = target && subjectOf(model, target);
  const partial = model.summary.partial;
  const above = SUMMARY_HEIGHT + LEGEND_HEIGHT + (partial ? 52 : 0) + (zone.ok ? 0 : 18);
  const onHover = useCallback((r: string[] | undefined) => setHovered(r), []);
  return (
    <div className={s.wrap} style={{ width, height }}>
      {partial && (
        <Alert severity="warning" title="Partial trace" className={s.alert}>
          {(model.summary.reasons ?? []).join('; ') || 'the log source did not answer in full'}
        </Alert>
      )}
      <SummaryView summary={model.summary} onHover={onHover} />
      {!zone.ok && (
        <div className={s.warn} role="alert">
          Unknown time zone “{options.timeZone}” in the panel’s options: times are in the
          dashboard’s.
        </div>
      )}
      <Legend colors={colors} />
      <PathMap
        model={model}
        layout={geometry}
        palette={colors}
        labels={options.labels}
        width={width}
        height={Math.max(60, height - above)}
        highlight={highlight}
        selected={target && ('node' in target ? target.node : target.edge)}
        onSelect={setTarget}
        onHoverRecipients={onHover}
      />
      {subject && (
        <Drawer title={titleOf(model, subject)} onClose={() => setTarget(undefined)} size="md">
          <div data-testid="pathmap-drawer">
            <SubjectDetails
              model={model}
              subject={subject}
              timeZone={timeZone}
              range={{ from: props.timeRange.from.valueOf(), to: props.timeRange.to.valueOf() }}
            />
          </div>
        </Drawer>
      )}
    </div>
  );
}

/**
 * zoneOption checks the panel's time zone option: empty follows the dashboard, utc and browser
 * are Grafana's own names, anything else must be a zone the browser knows.
 */
export function zoneOption(tz: string | undefined): { ok: boolean; zone: string } {
  const zone = (tz ?? '').trim();
  if (zone === '' || zone === 'utc' || zone === 'browser') {
    return { ok: true, zone };
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return { ok: true, zone };
  } catch {
    return { ok: false, zone };
  }
}

function union(model: PathModel, recipients: string[] | undefined): Set<string> | undefined {
  if (!recipients) {
    return undefined;
  }
  const out = new Set<string>();
  recipients.forEach((r) => recipientPath(model, r).forEach((id) => out.add(id)));
  return out;
}

const LEGEND_HEIGHT = 22;

function Legend({ colors }: { colors: Record<string, string> }) {
  const s = useStyles2(styles);
  return (
    <ul className={s.legend} aria-label="Legend" style={{ height: LEGEND_HEIGHT }}>
      {STATUSES.map((st) => (
        <li key={st}>
          <svg width={22} height={8} aria-hidden>
            <line
              x1={0}
              y1={4}
              x2={22}
              y2={4}
              stroke={colors[st]}
              strokeWidth={3}
              strokeDasharray={st === 'missed' ? DASH : undefined}
            />
          </svg>
          {LEGEND[st]}
        </li>
      ))}
    </ul>
  );
}

/** Range is the query's time range in epoch milliseconds, as the lines resource takes it. */
export interface Range {
  from: number;
  to: number;
}

/**
 * SubjectDetails shows a node's or an edge's lines: from the events frame, else from the lines
 * resource, asked once per traced message (a sender or tag seed can match several) over the
 * query's own time range.
 */
function SubjectDetails(props: {
  model: PathModel;
  subject: Subject;
  timeZone: string;
  range: Range;
}) {
  const { model, subject, timeZone, range } = props;
  const fetcher = useContext(LineFetcherContext);
  const uid = model.summary.datasourceUid ?? '';
  const ids = [...new Set(model.summary.messages.map((m) => m.messageId))].filter(
    (id) => id !== ''
  );
  const q = subject.kind === 'node' ? { node: subject.node.id } : { edge: subject.edge.id };
  const local = model.events && linesFor(model.events, q);
  const key = JSON.stringify({ q, ids, range });
  // An answer counts only for the subject it was asked for: the drawer stays open while the
  // user clicks from node to node.
  const [answer, setAnswer] = useState<{ key: string; rows?: EventRow[]; error?: string }>();
  const cannot = !fetcher || !uid || ids.length === 0;
  useEffect(() => {
    if (local || expectedOnly(subject) || !fetcher || !uid) {
      return;
    }
    const ask = JSON.parse(key) as { q: typeof q; ids: string[]; range: Range };
    if (ask.ids.length === 0) {
      return;
    }
    let live = true;
    // One message's failure keeps the others' lines, and says which failed.
    Promise.allSettled(
      ask.ids.map((messageId) => fetcher(uid, { messageId, ...ask.q, ...ask.range }))
    ).then((results) => {
      if (!live) {
        return;
      }
      const rows = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
      const failed = results.flatMap((r, i) =>
        r.status === 'rejected' ? [`${ask.ids[i]}: ${String(r.reason?.message ?? r.reason)}`] : []
      );
      const error = failed.length ? `Could not load the lines of ${failed.join('; ')}` : undefined;
      setAnswer({ key, rows, error });
    });
    return () => {
      live = false;
    };
    // subject is read for its kind only, which key already stands for.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, fetcher, uid, !!local]);
  const fetched: { rows?: EventRow[]; error?: string } =
    answer?.key === key
      ? answer
      : cannot && !local
        ? { error: 'These frames hold no log lines and no data source to ask for them.' }
        : {};
  const rows = local ?? fetched.rows ?? [];
  const only = expectedOnly(subject);
  const times = rows.map((r) => r.time);
  const explore =
    uid && !only
      ? ids.map((id) => ({
          label:
            ids.length > 1 ? `Show the lines of ${id} in Explore` : 'Show these lines in Explore',
          url: exploreUrl(uid, id, q, times),
        }))
      : [];
  return (
    <Details
      facts={factsOf(subject, timeZone)}
      rows={only ? [] : rows}
      timeZone={timeZone}
      loading={!only && !local && !fetched.rows && !fetched.error}
      error={only ? undefined : fetched.error}
      empty={only ? 'Expected by the route and not taken: no log line can name it.' : undefined}
      explore={explore}
    />
  );
}

const styles = (theme: GrafanaTheme2) => ({
  wrap: css({ display: 'flex', flexDirection: 'column', overflow: 'hidden' }),
  alert: css({ marginBottom: theme.spacing(0.5) }),
  warn: css({ color: theme.colors.warning.text, fontSize: theme.typography.bodySmall.fontSize }),
  message: css({
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    height: '100%',
    padding: theme.spacing(2),
    color: theme.colors.text.secondary,
    textAlign: 'center',
  }),
  legend: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0, 2),
    listStyle: 'none',
    margin: 0,
    padding: 0,
    fontSize: theme.typography.bodySmall.fontSize,
    color: theme.colors.text.secondary,
    li: { display: 'flex', alignItems: 'center', gap: theme.spacing(0.5) },
  }),
});
