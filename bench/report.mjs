// What every measurement's case runner and report share: the median of timed runs, numbers as
// the tables print them, and a target's verdict.

/** The median of the values (the upper one of an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** A number with thousands separators and a fixed count of decimals. */
export const fmt = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A target's result cell. */
export const verdict = (ok) => (ok ? 'pass' : '**fail**');
