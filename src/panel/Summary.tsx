import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import React from 'react';

import { RecipientSummary, Summary as SummaryData } from './types';

/** SUMMARY_HEIGHT is the fixed height of the header; a long one scrolls inside it. */
export const SUMMARY_HEIGHT = 92;

/** fate says in a few words what became of a recipient. */
export function fate(r: RecipientSummary): string {
  const where =
    r.disposition === 'delivered' ? [r.mailbox, r.folder].filter(Boolean).join(' / ') : r.relay;
  return [r.disposition, where].filter(Boolean).join(' to ');
}

/** verdictLine is the route and the comparison's sentence, or why there is none. */
export function verdictLine(r: RecipientSummary): string {
  if (!r.sentence && !r.route) {
    return r.reason ?? '';
  }
  return r.sentence || `route ${r.route}: ${r.verdict ?? ''}`;
}

/** Summary is the panel header: each message's Message-ID, sender and recipients' verdicts. */
export function Summary(props: {
  summary: SummaryData;
  onHover: (r: string[] | undefined) => void;
}) {
  const s = useStyles2(styles);
  return (
    <div className={s.box} data-testid="pathmap-summary" style={{ height: SUMMARY_HEIGHT }}>
      {props.summary.messages.map((m) => (
        <div key={m.messageId}>
          <div className={s.head}>
            <strong>{m.messageId || 'no Message-ID'}</strong>
            <span>from {m.from || '<>'}</span>
            {m.subject && <span className={s.dim}>{m.subject}</span>}
          </div>
          <ul className={s.list}>
            {m.recipients.map((r) => (
              <li
                key={r.address}
                data-testid="summary-recipient"
                onMouseEnter={() => props.onHover([r.address])}
                onMouseLeave={() => props.onHover(undefined)}
              >
                <span className={s.addr}>{r.address}</span>
                {r.origTo && r.origTo !== r.address && (
                  <span className={s.dim}> (for {r.origTo})</span>
                )}
                <span>: {fate(r)}</span>
                {verdictLine(r) && (
                  <span className={verdictClass(s, r.verdict)}> — {verdictLine(r)}</span>
                )}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}

function verdictClass(s: ReturnType<typeof styles>, verdict?: string): string {
  return verdict && verdict !== 'ok' ? s.bad : s.dim;
}

const styles = (theme: GrafanaTheme2) => ({
  box: css({ overflow: 'auto', fontSize: theme.typography.bodySmall.fontSize, flexShrink: 0 }),
  head: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0, 1.5) }),
  list: css({ listStyle: 'none', margin: 0, padding: 0 }),
  addr: css({ fontWeight: theme.typography.fontWeightMedium, cursor: 'default' }),
  dim: css({ color: theme.colors.text.secondary }),
  bad: css({ color: theme.colors.warning.text }),
});
