import React from 'react';

import { Input } from '@grafana/ui';

import { useDraft } from './useDraft';

type Props = Omit<React.ComponentProps<typeof Input>, 'value' | 'onChange' | 'onBlur'> & {
  value: string;
  /** onCommit gets the text on blur (when changed) and on Enter (always). */
  onCommit: (value: string, changed: boolean) => void;
};

/** DraftInput is an Input that keeps keystrokes local and hands the text over on blur or Enter. */
export function DraftInput({ value, onCommit, ...rest }: Props) {
  const [draft, setDraft] = useDraft(value);

  return (
    <Input
      {...rest}
      value={draft}
      onChange={(e) => setDraft(e.currentTarget.value)}
      onBlur={() => draft !== value && onCommit(draft, true)}
      onKeyDown={(e) => e.key === 'Enter' && onCommit(draft, draft !== value)}
    />
  );
}
