import { css } from '@emotion/css';
import { dateTimeFormat, GrafanaTheme2 } from '@grafana/data';
import { LinkButton, useStyles2 } from '@grafana/ui';
import React from 'react';

import { EventRow } from './types';

/** DELAY_PARTS name Postfix's delays=a/b/c/d, in its order. */
export const DELAY_PARTS = ['before the queue manager', 'in the queue', 'connecting', 'sending'];

/** delayBreakdown reads delays=a/b/c/d into named parts; anything else gives none. */
export function delayBreakdown(delays: string): Array<{ part: string; seconds: string }> {
  const parts = delays.split('/');
  if (parts.length !== DELAY_PARTS.length || parts.some((p) => p === '' || isNaN(Number(p)))) {
    return [];
  }
  return parts.map((seconds, i) => ({ part: DELAY_PARTS[i], seconds }));
}

/**
 * byNotice keeps the message's own lines first and each notification's lines after, under a
 * heading: a bounce or delay notice is another message, with its own queue IDs.
 */
export function byNotice(rows: EventRow[]): Array<[string, EventRow[]]> {
  const groups = new Map<string, EventRow[]>([['', []]]);
  for (const r of rows) {
    const list = groups.get(r.notice ?? '');
    list ? list.push(r) : groups.set(r.notice, [r]);
  }
  return [...groups.entries()].filter(([notice, list]) => notice === '' || list.length > 0);
}

/** Fact is one labelled value of the drawer's heading. */
export interface Fact {
  label: string;
  value: string;
}

export interface DetailsProps {
  facts: Fact[];
  rows: EventRow[];
  timeZone: string;
  loading?: boolean;
  error?: string;
  /** empty says why there are no lines, e.g. for a stage that was expected and not taken. */
  empty?: string;
  /** explore holds a link to Explore per traced message, showing the same lines. */
  explore?: Array<{ label: string; url: string }>;
}

/** Details is the drawer's content: what the node or edge is, then each of its lines. */
export function Details(props: DetailsProps) {
  const s = useStyles2(styles);
  return (
    <div>
      <dl className={s.facts}>
        {props.facts.map((f) => (
          <React.Fragment key={f.label}>
            <dt>{f.label}</dt>
            <dd>{f.value}</dd>
          </React.Fragment>
        ))}
      </dl>
      {(props.explore ?? []).map((x) => (
        <LinkButton key={x.url} href={x.url} icon="compass" variant="secondary" size="sm">
          {x.label}
        </LinkButton>
      ))}
      {props.loading && <p>Loading the log lines…</p>}
      {props.error && (
        <p role="alert" className={s.error}>
          {props.error}
        </p>
      )}
      {!props.loading && !props.error && props.rows.length === 0 && (
        <p>{props.empty ?? 'No log line names this.'}</p>
      )}
      {byNotice(props.rows).map(([notice, rows]) => (
        <section key={notice} data-testid={notice ? 'drawer-notice' : undefined}>
          {notice && (
            <h6 className={s.notice}>
              Notification {notice}: a bounce or delay notice about this message
            </h6>
          )}
          <ol className={s.lines}>
            {rows.map((r, i) => (
              <Line key={i} row={r} timeZone={props.timeZone} />
            ))}
          </ol>
        </section>
      ))}
    </div>
  );
}

function Line({ row, timeZone }: { row: EventRow; timeZone: string }) {
  const s = useStyles2(styles);
  const when = Number.isFinite(row.time)
    ? dateTimeFormat(row.time, { timeZone, format: 'YYYY-MM-DD HH:mm:ss.SSS' })
    : 'no time';
  const delays = delayBreakdown(row.delays);
  return (
    <li className={s.line} data-testid="drawer-line">
      <div className={s.head}>
        <span>{when}</span>
        <span>{row.host}</span>
        <span>{row.program}</span>
        {row.queueId && <span>queue {row.queueId}</span>}
        <span className={s.status}>{row.status || row.kind}</span>
        {row.recipient && <span>to {row.recipient}</span>}
      </div>
      <div className={s.head}>
        {row.delay !== undefined && row.kind === 'delivery' && <span>delay {row.delay}s</span>}
        {delays.map((d) => (
          <span key={d.part}>
            {d.part} {d.seconds}s
          </span>
        ))}
        {row.dsn && <span>DSN {row.dsn}</span>}
        {row.relay && <span>relay {row.relay}</span>}
      </div>
      {row.reply && <div className={s.reply}>{row.reply}</div>}
      <pre className={s.raw}>{row.line}</pre>
    </li>
  );
}

const styles = (theme: GrafanaTheme2) => ({
  facts: css({
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    gap: theme.spacing(0.5, 2),
    marginBottom: theme.spacing(2),
    dt: { color: theme.colors.text.secondary },
    dd: { margin: 0, wordBreak: 'break-word' },
  }),
  lines: css({ listStyle: 'none', padding: 0, marginTop: theme.spacing(2) }),
  line: css({
    borderTop: `1px solid ${theme.colors.border.weak}`,
    padding: theme.spacing(1, 0),
  }),
  head: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0, 1.5),
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  status: css({ fontWeight: theme.typography.fontWeightMedium }),
  reply: css({
    color: theme.colors.text.secondary,
    marginTop: theme.spacing(0.5),
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  raw: css({
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-all',
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
    margin: theme.spacing(0.5, 0, 0),
  }),
  error: css({ color: theme.colors.error.text }),
  notice: css({ marginTop: theme.spacing(2), color: theme.colors.text.secondary }),
});
