import type { SignInWire } from '../../api/sign-ins.js';
import { requestsOf } from '../../api/sign-in-log.js';

export type Period = '24h' | '7d';

export const PERIODS: ReadonlyArray<{ value: Period; label: string; words: string }> = [
  { value: '24h', label: 'Last 24 hours (per hour)', words: 'the last 24 hours' },
  { value: '7d', label: 'Last 7 days (per day)', words: 'the last 7 days' },
];

export interface Bucket {
  start: Date;
  end: Date;
  ok: number;
  bad: number;
}

/** Bucket boundaries in local time, the last bucket holding "now": 24 hours or 7 calendar days. */
export function bucketStarts(period: Period, now = new Date()): Date[] {
  const end = new Date(now);
  if (period === '24h') {
    end.setMinutes(0, 0, 0);
    end.setHours(end.getHours() + 1);
    return Array.from({ length: 25 }, (_, i) => new Date(end.getTime() - (24 - i) * 3_600_000));
  }
  end.setHours(0, 0, 0, 0);
  end.setDate(end.getDate() + 1);
  return Array.from({ length: 8 }, (_, i) => {
    const d = new Date(end);
    d.setDate(d.getDate() - (7 - i));
    return d;
  });
}

export function bucketize(rows: SignInWire[], starts: Date[]): Bucket[] {
  const buckets = starts.slice(0, -1).map((start, i) => ({ start, end: starts[i + 1]!, ok: 0, bad: 0 }));
  for (const r of rows) {
    const t = Date.parse(r.createdDateTime);
    const b = buckets.find((x) => t >= x.start.getTime() && t < x.end.getTime());
    if (!b) continue;
    // A row can count many requests (an agent's cached answers of one minute): the chart counts requests.
    if (r.result === 'success') b.ok += requestsOf(r);
    else b.bad += requestsOf(r);
  }
  return buckets;
}

export const totals = (buckets: Bucket[]) =>
  buckets.reduce((t, b) => ({ ok: t.ok + b.ok, bad: t.bad + b.bad }), { ok: 0, bad: 0 });

export const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
