/** Linear-interpolated percentile (p in 0..100) of unsorted samples; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const lo = sorted[low] ?? Number.NaN;
  const hi = sorted[Math.min(low + 1, sorted.length - 1)] ?? lo;
  return lo + (hi - lo) * (rank - low);
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);

export function min(samples: readonly number[]): number {
  return samples.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
}

export function max(samples: readonly number[]): number {
  return samples.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
}

/** Runs `fn` sequentially: `warmup` untimed calls, then `count` timed ones; returns their ms. */
export async function sample(count: number, warmup: number, fn: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times;
}
