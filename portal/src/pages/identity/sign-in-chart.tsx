import { useEffect, useId, useRef } from 'react';
import { PERIODS, plural, totals, type Bucket, type Period } from './sign-in-buckets.js';

const W = 1000;
const H = 240;
const LEFT = 36;
const BOTTOM = 24;
const TOP = 8;

/** A round axis maximum: 1, 2, 5, 10, 20, 50… at or above the highest bar. */
function niceMax(n: number): number {
  if (n <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 5, 10].map((m) => m * p).find((m) => m >= n) ?? 10 * p;
}

function label(b: Bucket, period: Period): string {
  return period === '24h'
    ? b.start.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : b.start.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric' });
}

function barTitle(b: Bucket, period: Period): string {
  const when =
    period === '24h'
      ? `${label(b, period)}–${b.end.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}`
      : b.start.toLocaleDateString();
  return `${when}: ${plural(b.ok, 'success', 'successes')}, ${plural(b.bad, 'failure', 'failures')}`;
}

/** The one-sentence text alternative of the chart. */
export function chartSummary(buckets: Bucket[], period: Period): string {
  const t = totals(buckets);
  const words = PERIODS.find((p) => p.value === period)!.words;
  return `${plural(t.ok, 'success', 'successes')} and ${plural(t.bad, 'failure', 'failures')} in ${words}`;
}

/** Stacked bars (successes below, failures on top), one per hour or day. */
export function SignInChart({ buckets, period }: { buckets: Bucket[]; period: Period }) {
  const titleId = useId();
  const scroller = useRef<HTMLDivElement>(null);
  // In a narrow window the chart scrolls sideways; start at the newest bars.
  useEffect(() => {
    const el = scroller.current;
    if (el) el.scrollLeft = el.scrollWidth;
  }, [buckets]);
  const max = niceMax(Math.max(0, ...buckets.map((b) => b.ok + b.bad)));
  const plotH = H - TOP - BOTTOM;
  const slot = (W - LEFT) / buckets.length;
  const y = (n: number) => TOP + plotH - (n / max) * plotH;
  const every = period === '24h' ? 3 : 1;
  const summary = chartSummary(buckets, period);
  return (
    <figure className="mi-chart">
      <div className="mi-chart-scroll" ref={scroller}>
        <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={titleId}>
          <title id={titleId}>{summary}</title>
          {[0, max / 2, max].map((v) => (
            <g key={v}>
              <line x1={LEFT} x2={W} y1={y(v)} y2={y(v)} className="mi-grid" />
              <text x={LEFT - 6} y={y(v) + 4} textAnchor="end" className="mi-axis">
                {Number.isInteger(v) ? v : ''}
              </text>
            </g>
          ))}
          {buckets.map((b, i) => {
            const x = LEFT + i * slot + slot * 0.15;
            const w = slot * 0.7;
            return (
              <g key={b.start.getTime()}>
                <title>{barTitle(b, period)}</title>
                {b.ok > 0 ? <rect className="ok" x={x} width={w} y={y(b.ok)} height={y(0) - y(b.ok)} /> : null}
                {b.bad > 0 ? (
                  <rect className="bad" x={x} width={w} y={y(b.ok + b.bad)} height={y(b.ok) - y(b.ok + b.bad)} />
                ) : null}
                {i % every === 0 ? (
                  <text x={x + w / 2} y={H - 6} textAnchor="middle" className="mi-axis">
                    {label(b, period)}
                  </text>
                ) : null}
              </g>
            );
          })}
        </svg>
      </div>
      <figcaption>
        <span className="muted">{summary}.</span>
        <span className="legend">
          <span>Success</span>
          <span className="bad">Failure</span>
        </span>
      </figcaption>
    </figure>
  );
}
