import { useState, type FormEvent } from 'react';
import { SelectField, TextField } from '../../components/fields.js';
import { rangeError, rangeFromQuery, rangeToQuery, TimeRangeFields, type TimeRange } from './time-range.js';

/** The activity log's filters, exactly as kept in the URL so a link shows the same events. */
export interface ActivityFilters {
  time: TimeRange;
  resource: string;
  group: string;
  operation: string;
  caller: string;
  result: string;
}

export function activityFiltersFromQuery(q: URLSearchParams): ActivityFilters {
  const result = q.get('result') ?? '';
  return {
    time: rangeFromQuery(q),
    resource: q.get('resource') ?? '',
    group: q.get('group') ?? '',
    operation: q.get('operation') ?? '',
    caller: q.get('caller') ?? '',
    result: result === 'Succeeded' || result === 'Failed' ? result : '',
  };
}

export function activityFiltersToQuery(f: ActivityFilters): string {
  const q = new URLSearchParams();
  rangeToQuery(f.time, q);
  for (const k of ['resource', 'group', 'operation', 'caller', 'result'] as const) if (f[k].trim()) q.set(k, f[k].trim());
  return q.toString();
}

const RESULTS = [
  { value: '', label: 'All' },
  { value: 'Succeeded', label: 'Succeeded' },
  { value: 'Failed', label: 'Failed' },
];

export function ActivityFilterForm({ initial, onApply }: { initial: ActivityFilters; onApply: (f: ActivityFilters) => void }) {
  const [f, setF] = useState(initial);
  const [error, setError] = useState<string>();
  const set = <K extends keyof ActivityFilters>(k: K) => (v: ActivityFilters[K]) => setF((s) => ({ ...s, [k]: v }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(rangeError(f.time));
    if (!rangeError(f.time)) onApply(f);
  };
  return (
    <form className="filters log-filters" onSubmit={submit} aria-label="Activity log filters">
      <TimeRangeFields value={f.time} onChange={set('time')} />
      <TextField label="Resource" value={f.resource} onChange={set('resource')} placeholder="/subscriptions/…/resourceGroups/rg1/…" hint="A full resource id matches exactly; other text matches ids that contain it." />
      <TextField label="Resource group" value={f.group} onChange={set('group')} placeholder="rg1" />
      <TextField label="Operation" value={f.operation} onChange={set('operation')} placeholder="Microsoft.ManagedIdentity/userAssignedIdentities/write" hint="Matches operations that contain this text." />
      <TextField label="Caller" value={f.caller} onChange={set('caller')} placeholder="object id" hint="Object id of the principal that made the call." />
      <SelectField label="Result" value={f.result} onChange={set('result')} options={RESULTS} />
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
