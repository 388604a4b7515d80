// Small helpers the benchmarks share: percentiles, number formatting, a bounded task pool,
// HS256 tokens for the gateway, and a high-resolution wall clock.
import { createHmac } from 'node:crypto';
import { performance } from 'node:perf_hooks';

/** Nearest-rank percentile; NaN for no values. Sorts a copy (typed arrays are sorted numerically). */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = ArrayBuffer.isView(values) ? Float64Array.from(values).sort() : [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function fmt(value, digits = 2) {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** Runs task(0..count-1) with at most `concurrency` in flight. */
export async function pool(count, concurrency, task) {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/** A compact HS256 JWT (what the gateway verifies with JWT_SECRET). */
export function signHs256(secret, claims) {
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/**
 * Milliseconds since the epoch with sub-millisecond resolution: timeOrigin (wall clock when this
 * process started) plus the monotonic clock since. Comparable across processes on one machine.
 */
export const wallMs = () => performance.timeOrigin + performance.now();
