import { useState } from 'react';

/**
 * useDraft holds an edited copy of value. When value changes from outside (a run from Explore,
 * a migrated query), the draft follows it during that render, without an effect.
 */
export function useDraft(value: string): [string, (v: string) => void] {
  const [draft, setDraft] = useState(value);
  const [seen, setSeen] = useState(value);

  if (seen !== value) {
    setSeen(value);
    setDraft(value);
  }
  return [draft, setDraft];
}
