export interface Tally {
  /** Distinct keys, in first-seen order. */
  keys: string[];
  counts: Record<string, number>;
  total: number;
  distinct: number;
}

/** How often each key occurs (e.g. Slack posts per delivery id). */
export function tally(items: readonly string[]): Tally {
  const counts: Record<string, number> = {};
  for (const item of items) counts[item] = (counts[item] ?? 0) + 1;
  const keys = Object.keys(counts);
  return { keys, counts, total: items.length, distinct: keys.length };
}
