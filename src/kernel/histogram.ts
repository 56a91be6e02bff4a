/**
 * A Prometheus histogram for hot paths (store queries): observing is a bucket scan, an array
 * increment and two additions, with no allocation, no label hashing and no I/O. Labels are fixed
 * when the series is made; the text is rendered only when /metrics is scraped.
 * Format: https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */
export class FixedHistogram {
  /** Per bucket (not cumulative); the last one is +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  /** `bounds`: upper bounds in ascending order, in the unit observed (seconds for durations). */
  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && value > b[i]!) i++;
    this.counts[i]! += 1;
    this.sum += value;
    this.count += 1;
  }
}

/** One labelled series of a family: `labels` is the rendered label list without braces, e.g. `op="read"`. */
export interface HistogramSeries {
  labels: string;
  histogram: FixedHistogram;
}

/** The exposition text of one histogram family: `_bucket{le}` (cumulative), `_sum`, `_count`. */
export function renderHistogram(name: string, help: string, series: readonly HistogramSeries[]): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} histogram`];
  for (const { labels, histogram: h } of series) {
    const prefix = labels === '' ? '' : `${labels},`;
    let cumulative = 0;
    h.bounds.forEach((bound, i) => {
      cumulative += h.counts[i]!;
      lines.push(`${name}_bucket{${prefix}le="${bound}"} ${cumulative}`);
    });
    lines.push(`${name}_bucket{${prefix}le="+Inf"} ${h.count}`);
    const braces = labels === '' ? '' : `{${labels}}`;
    lines.push(`${name}_sum${braces} ${h.sum}`, `${name}_count${braces} ${h.count}`);
  }
  return `${lines.join('\n')}\n`;
}
