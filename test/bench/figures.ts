// The bench's timing and printing helpers: figures, never assertions.

/** Times `n` calls made one after another. */
export async function timeEach(n: number, fn: (i: number) => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    times.push(performance.now() - t0);
  }
  return times;
}

/**
 * Times calls made by `workers` loops at once. Call i (numbered across all workers, in the order
 * they start) is made while `more(i)` holds; each loop stops at the first call it may not make, so
 * `more` must turn false by itself (a deadline, a count). Answers each call's time and the wall time.
 */
export async function timeConcurrent(workers: number, more: (i: number) => boolean, fn: (worker: number, i: number) => Promise<void>): Promise<{ times: number[]; ms: number }> {
  const times: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let i = next++; more(i); i = next++) {
        const t = performance.now();
        await fn(worker, i);
        times.push(performance.now() - t);
      }
    }),
  );
  return { times, ms: performance.now() - t0 };
}

/** p50, p95, p99 and max, in ms with one decimal. */
export function percentiles(xs: number[]): string[] {
  if (xs.length === 0) return ['–', '–', '–', '–'];
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
  return [at(50), at(95), at(99), s[s.length - 1]!].map((x) => x.toFixed(1));
}

export function table(rows: string[][], header: string[]): void {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  for (const r of all) console.log('  ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
}

/** Prints each route's latencies (p50, p95, p99, max) under a title. */
export function routeTable(title: string, rows: readonly [string, number[]][]): void {
  console.log(`\n${title}`);
  table(
    rows.map(([route, times]) => [route, ...percentiles(times)]),
    ['route', 'p50', 'p95', 'p99', 'max'],
  );
}
