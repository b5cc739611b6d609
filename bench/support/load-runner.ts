/**
 * Drives `total` operations with exactly `concurrency` of them in flight at any time and records
 * each one's latency, so two ways of doing the same work can be compared under the same load.
 */
export interface LoadResult {
  label: string;
  ok: number;
  failed: number;
  /** First few failure reasons, for the report. */
  failures: string[];
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export async function runLoad(
  label: string,
  opts: { total: number; concurrency: number },
  operation: (index: number) => Promise<unknown>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const failures: string[] = [];
  let failed = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < opts.total) {
      const index = next++;
      const started = process.hrtime.bigint();
      try {
        await operation(index);
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      } catch (err) {
        failed++;
        if (failures.length < 5) failures.push(err instanceof Error ? err.message : String(err));
      }
    }
  };
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, opts.total) }, worker));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  latencies.sort((a, b) => a - b);
  return {
    label,
    ok: latencies.length,
    failed,
    failures,
    seconds,
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: latencies.length ? latencies[latencies.length - 1]! : NaN,
  };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1]!;
}
