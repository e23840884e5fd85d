import type { Spread } from './stats';

/** A markdown table. */
export const table = (head: string[], rows: (string | number)[][]) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

const ms = (value: number) => (Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(1) : String(Math.round(value)));

/** "p50 / p99 / max" in milliseconds. */
export const latency = (s: Spread | null) => (s ? `${ms(s.p50)} / ${ms(s.p99)} / ${ms(s.max)}` : 'not measured');

/** Answers by status: "202×1000 503×2". */
export const statuses = (s: Record<string, number>) =>
  Object.entries(s)
    .map(([status, n]) => `${status}×${n}`)
    .join(' ');
