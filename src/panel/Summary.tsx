import { css } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import React from 'react';

import { RecipientSummary, Summary as SummaryData } from './types';

/** SUMMARY_HEIGHT is the fixed height of the header; a long one scrolls inside it. */
export const SUMMARY_HEIGHT = 112;

/** fate says in a few words what became of a recipient. */
export function fate(r: RecipientSummary): string {
  // Dovecot often names the mailbox by the address itself: then the folder says it all.
  const box = r.mailbox && r.mailbox !== r.address ? r.mailbox : '';
  const where =
    r.disposition === 'delivered' ? [box, r.folder].filter(Boolean).join(' / ') : r.relay;
  return [r.disposition, where].filter(Boolean).join(' to ');
}

/** verdictLine is the comparison's verdict and sentence, or the reason when no route applied. */
export function verdictLine(r: RecipientSummary): string {
  if (!r.verdict) {
    return r.reason ?? '';
  }
  return r.sentence ? `${r.verdict}: ${r.sentence}` : r.verdict;
}

/**
 * Summary is the panel header: each message's Message-ID, sender and subject, then a row per
 * recipient with its fate, its route (why it applies shows on hover) and the verdict sentence.
 */
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
            {m.from !== undefined && <span>from {m.from || '<>'}</span>}
            {m.subject && <span className={s.dim}>“{m.subject}”</span>}
          </div>
          <table className={s.table}>
            <tbody>
              {m.recipients.map((r) => (
                <tr
                  key={r.address}
                  data-testid="summary-recipient"
                  onMouseEnter={() => props.onHover([r.address])}
                  onMouseLeave={() => props.onHover(undefined)}
                >
                  <td className={s.addr}>
                    {r.address}
                    {r.origTo && r.origTo !== r.address && (
                      <span className={s.dim}> (for {r.origTo})</span>
                    )}
                  </td>
                  <td className={s.nowrap}>{fate(r)}</td>
                  <td className={s.dim} title={r.why}>
                    {r.route ? `route ${r.route}` : ''}
                  </td>
                  <td className={verdictClass(s, r.verdict)}>{verdictLine(r)}</td>
                </tr>
              ))}
            </tbody>
          </table>
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
  table: css({
    borderCollapse: 'collapse',
    td: { padding: theme.spacing(0, 1.5, 0, 0), verticalAlign: 'top' },
  }),
  addr: css({ fontWeight: theme.typography.fontWeightMedium, whiteSpace: 'nowrap' }),
  dim: css({ color: theme.colors.text.secondary, whiteSpace: 'nowrap' }),
  nowrap: css({ whiteSpace: 'nowrap' }),
  bad: css({ color: theme.colors.warning.text }),
});
