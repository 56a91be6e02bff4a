import assert from 'node:assert/strict';

/**
 * A strict reader of the Prometheus text format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format): every line is
 * a comment or `name{labels} value`, every sample belongs to a family with a TYPE, counters end in
 * `_total`, and each histogram series has monotone cumulative buckets ending in `+Inf` = `_count`.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  /** Family name → type. */
  types: Map<string, string>;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: -?\\d+)?$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/;
const COMMENT = new RegExp(`^# (HELP|TYPE) (${NAME})(?: (.*))?$`);
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest !== '') {
    const m = LABEL.exec(rest);
    assert.ok(m, `malformed labels in: ${line}`);
    assert.equal(labels[m[1]!], undefined, `duplicate label ${m[1]} in: ${line}`);
    labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    rest = rest.slice(m[0].length);
  }
  return labels;
}

function parseValue(v: string, line: string): number {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  if (v === 'NaN') return NaN;
  const n = Number(v);
  assert.ok(v !== '' && !Number.isNaN(n), `bad value in: ${line}`);
  return n;
}

/** The family a sample belongs to: histogram and summary samples carry a suffix. */
function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return types.has(base) ? base : undefined;
}

export function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const c = COMMENT.exec(line);
      assert.ok(c, `malformed comment: ${line}`);
      if (c[1] === 'TYPE') {
        assert.ok(TYPES.has(c[3] ?? ''), `unknown type in: ${line}`);
        assert.ok(!types.has(c[2]!), `TYPE given twice for ${c[2]}`);
        types.set(c[2]!, c[3]!);
      }
      continue;
    }
    const m = SAMPLE.exec(line);
    assert.ok(m, `malformed sample: ${line}`);
    const sample = { name: m[1]!, labels: parseLabels(m[2] ?? '', line), value: parseValue(m[3]!, line) };
    assert.ok(familyOf(sample.name, types), `sample before (or without) its TYPE line: ${line}`);
    samples.push(sample);
  }
  checkFamilies({ samples, types });
  return { samples, types };
}

const seriesKey = (labels: Record<string, string>): string =>
  JSON.stringify(
    Object.entries(labels)
      .filter(([k]) => k !== 'le')
      .sort(),
  );

function checkFamilies(e: Exposition): void {
  for (const [family, type] of e.types) {
    if (type === 'counter') assert.match(family, /_total$/, `counter ${family} must end in _total`);
    if (type !== 'histogram') continue;
    const bySeries = new Map<string, Sample[]>();
    for (const s of e.samples.filter((x) => x.name === `${family}_bucket`)) {
      const k = seriesKey(s.labels);
      bySeries.set(k, [...(bySeries.get(k) ?? []), s]);
    }
    for (const [key, buckets] of bySeries) {
      const les = buckets.map((b) => parseValue(b.labels['le']!, `${family} le`));
      assert.deepEqual(
        les,
        [...les].sort((a, b) => a - b),
        `${family}${key}: buckets in ascending le order`,
      );
      assert.equal(les.at(-1), Infinity, `${family}${key}: the last bucket is +Inf`);
      buckets.forEach((b, i) =>
        assert.ok(i === 0 || b.value >= buckets[i - 1]!.value, `${family}${key}: cumulative buckets are monotone`),
      );
      const count = e.samples.find((s) => s.name === `${family}_count` && seriesKey(s.labels) === key);
      const sum = e.samples.find((s) => s.name === `${family}_sum` && seriesKey(s.labels) === key);
      assert.ok(count && sum, `${family}${key}: has _sum and _count`);
      assert.equal(buckets.at(-1)!.value, count.value, `${family}${key}: +Inf bucket equals _count`);
    }
  }
}

/** The value of the one sample named `name` whose labels include `labels`; undefined when absent. */
export function valueOf(e: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = e.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  assert.ok(found.length <= 1, `${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value;
}
