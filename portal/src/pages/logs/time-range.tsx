import { SelectField, TextField } from '../../components/fields.js';

export const RANGES = [
  { value: '1h', label: 'Last hour', ms: 3_600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { value: 'custom', label: 'Custom', ms: 0 },
] as const;

export const DEFAULT_RANGE = '24h';

/** The time-range part of a log filter, as kept in the URL (`range`, and `from`/`to` for Custom). */
export interface TimeRange {
  range: string;
  /** datetime-local values (local time, no zone), only for Custom. */
  from: string;
  to: string;
}

export function rangeFromQuery(q: URLSearchParams): TimeRange {
  const range = RANGES.some((r) => r.value === q.get('range')) ? q.get('range')! : DEFAULT_RANGE;
  return { range, from: q.get('from') ?? '', to: q.get('to') ?? '' };
}

export function rangeToQuery(t: TimeRange, q: URLSearchParams): void {
  if (t.range !== DEFAULT_RANGE) q.set('range', t.range);
  if (t.range === 'custom') {
    if (t.from) q.set('from', t.from);
    if (t.to) q.set('to', t.to);
  }
}

const isoOf = (local: string) => (local ? new Date(local).toISOString() : undefined);

/** ISO bounds for the server; relative ranges are resolved now, so a reload shows fresh events. */
export function rangeBounds(t: TimeRange, now = Date.now()): { from?: string | undefined; to?: string | undefined } {
  if (t.range === 'custom') return { from: isoOf(t.from), to: isoOf(t.to) };
  const ms = RANGES.find((r) => r.value === t.range)?.ms ?? 86_400_000;
  return { from: new Date(now - ms).toISOString() };
}

/** Why a custom range cannot be applied, or undefined. */
export function rangeError(t: TimeRange): string | undefined {
  if (t.range !== 'custom') return undefined;
  if (t.from && t.to && new Date(t.from) > new Date(t.to))
    return 'From must be earlier than To: swap them or change one.';
  return undefined;
}

export function rangeLabel(t: TimeRange): string {
  if (t.range === 'custom') return 'chosen time range';
  return RANGES.find((r) => r.value === t.range)?.label.toLowerCase() ?? t.range;
}

export function TimeRangeFields({ value, onChange }: { value: TimeRange; onChange: (t: TimeRange) => void }) {
  return (
    <>
      <SelectField
        label="Time range"
        value={value.range}
        onChange={(range) => onChange({ ...value, range })}
        options={RANGES}
      />
      {value.range === 'custom' ? (
        <>
          <TextField
            label="From"
            type="datetime-local"
            value={value.from}
            onChange={(from) => onChange({ ...value, from })}
            hint="Your local time; leave empty for no lower bound."
          />
          <TextField
            label="To"
            type="datetime-local"
            value={value.to}
            onChange={(to) => onChange({ ...value, to })}
            hint="Leave empty for up to now."
          />
        </>
      ) : null}
    </>
  );
}
