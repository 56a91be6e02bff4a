import { useState, type FormEvent, type ReactNode } from 'react';
import { rangeError, rangeToQuery, TimeRangeFields, type TimeRange } from './time-range.js';

/** Writes the time range and the named text filters into a query string for the URL. */
export function filtersToQuery<F extends { time: TimeRange }>(f: F, keys: ReadonlyArray<keyof F & string>): string {
  const q = new URLSearchParams();
  rangeToQuery(f.time, q);
  for (const k of keys) {
    const v = String(f[k] ?? '').trim();
    if (v) q.set(k, v);
  }
  return q.toString();
}

type Setter<F> = <K extends keyof F>(k: K) => (v: F[K]) => void;

interface Props<F extends { time: TimeRange }> {
  label: string;
  initial: F;
  onApply: (f: F) => void;
  /** The fields after the time range, given the current values and a setter per field. */
  children: (f: F, set: Setter<F>) => ReactNode;
}

/** A log's filter form: time range first, the log's own fields, and "Apply filters" (refused while the range is inverted). */
export function LogFilterForm<F extends { time: TimeRange }>({ label, initial, onApply, children }: Props<F>) {
  const [f, setF] = useState(initial);
  const [error, setError] = useState<string>();
  const set: Setter<F> = (k) => (v) => setF((s) => ({ ...s, [k]: v }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const why = rangeError(f.time);
    setError(why);
    if (!why) onApply(f);
  };
  return (
    <form className="filters log-filters" onSubmit={submit} aria-label={label}>
      <TimeRangeFields value={f.time} onChange={set('time')} />
      {children(f, set)}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="filter-actions">
        <button type="submit" className="primary">
          Apply filters
        </button>
      </div>
    </form>
  );
}
