import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FixedHistogram, renderHistogram } from './histogram.js';

describe('FixedHistogram', () => {
  it('counts a value equal to a bound in that bucket (le is inclusive), larger ones in +Inf', () => {
    const h = new FixedHistogram([0.1, 1]);
    for (const v of [0.05, 0.1, 0.5, 1, 7]) h.observe(v);
    assert.deepEqual([...h.counts], [2, 2, 1]);
    assert.equal(h.count, 5);
    assert.equal(h.sum, 8.65);
  });

  it('renders cumulative buckets, +Inf equal to _count, then _sum and _count, labelled or not', () => {
    const a = new FixedHistogram([0.1, 1]);
    a.observe(0.5);
    a.observe(3);
    const text = renderHistogram('x_seconds', 'help text', [
      { labels: 'op="read"', histogram: a },
      { labels: '', histogram: new FixedHistogram([1]) },
    ]);
    assert.equal(
      text,
      [
        '# HELP x_seconds help text',
        '# TYPE x_seconds histogram',
        'x_seconds_bucket{op="read",le="0.1"} 0',
        'x_seconds_bucket{op="read",le="1"} 1',
        'x_seconds_bucket{op="read",le="+Inf"} 2',
        'x_seconds_sum{op="read"} 3.5',
        'x_seconds_count{op="read"} 2',
        'x_seconds_bucket{le="1"} 0',
        'x_seconds_bucket{le="+Inf"} 0',
        'x_seconds_sum 0',
        'x_seconds_count 0',
        '',
      ].join('\n'),
    );
  });
});
