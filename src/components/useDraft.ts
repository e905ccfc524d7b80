import { useEffect, useState } from 'react';

/** useDraft holds an edited copy of value, reset whenever value changes from outside. */
export function useDraft(value: string): [string, (v: string) => void] {
  const [draft, setDraft] = useState(value);

  useEffect(() => setDraft(value), [value]);
  return [draft, setDraft];
}
