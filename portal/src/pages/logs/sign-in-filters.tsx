import { useState, type FormEvent } from 'react';
import { SIGN_IN_FLOWS } from '../../api/sign-in-log.js';
import { SelectField, TextField } from '../../components/fields.js';
import { rangeError, rangeFromQuery, rangeToQuery, TimeRangeFields, type TimeRange } from './time-range.js';

/** The sign-in log's filters, as kept in the URL. */
export interface SignInFilters {
  time: TimeRange;
  identity: string;
  calling: string;
  result: string;
  flow: string;
}

export function signInFiltersFromQuery(q: URLSearchParams): SignInFilters {
  const result = q.get('result') ?? '';
  const flow = q.get('flow') ?? '';
  return {
    time: rangeFromQuery(q),
    identity: q.get('identity') ?? '',
    calling: q.get('calling') ?? '',
    result: result === 'success' || result === 'failure' ? result : '',
    flow: SIGN_IN_FLOWS.some((f) => f.value === flow) ? flow : '',
  };
}

export function signInFiltersToQuery(f: SignInFilters): string {
  const q = new URLSearchParams();
  rangeToQuery(f.time, q);
  for (const k of ['identity', 'calling', 'result', 'flow'] as const) if (f[k].trim()) q.set(k, f[k].trim());
  return q.toString();
}

const RESULTS = [
  { value: '', label: 'All' },
  { value: 'success', label: 'Success' },
  { value: 'failure', label: 'Failure' },
];

export function SignInFilterForm({ initial, onApply }: { initial: SignInFilters; onApply: (f: SignInFilters) => void }) {
  const [f, setF] = useState(initial);
  const [error, setError] = useState<string>();
  const set = <K extends keyof SignInFilters>(k: K) => (v: SignInFilters[K]) => setF((s) => ({ ...s, [k]: v }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(rangeError(f.time));
    if (!rangeError(f.time)) onApply(f);
  };
  return (
    <form className="filters log-filters" onSubmit={submit} aria-label="Sign-in log filters">
      <TimeRangeFields value={f.time} onChange={set('time')} />
      <TextField label="Identity" value={f.identity} onChange={set('identity')} placeholder="/subscriptions/…/userAssignedIdentities/id1" hint="Identity resource id, principal id or client id (exact)." />
      <TextField label="Calling resource" value={f.calling} onChange={set('calling')} placeholder="/subscriptions/…/virtualMachines/vm1" hint="Resource id whose workload asked (exact)." />
      <SelectField label="Result" value={f.result} onChange={set('result')} options={RESULTS} />
      <SelectField label="Flow" value={f.flow} onChange={set('flow')} options={[{ value: '', label: 'All' }, ...SIGN_IN_FLOWS]} />
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
