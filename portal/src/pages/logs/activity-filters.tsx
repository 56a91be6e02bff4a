import { SelectField, TextField } from '../../components/fields.js';
import { rangeFromQuery, type TimeRange } from './time-range.js';
import { filtersToQuery, LogFilterForm } from './log-filter-form.js';

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

export const activityFiltersToQuery = (f: ActivityFilters): string =>
  filtersToQuery(f, ['resource', 'group', 'operation', 'caller', 'result']);

const RESULTS = [
  { value: '', label: 'All' },
  { value: 'Succeeded', label: 'Succeeded' },
  { value: 'Failed', label: 'Failed' },
];

export function ActivityFilterForm({
  initial,
  onApply,
}: {
  initial: ActivityFilters;
  onApply: (f: ActivityFilters) => void;
}) {
  return (
    <LogFilterForm label="Activity log filters" initial={initial} onApply={onApply}>
      {(f, set) => (
        <>
          <TextField
            label="Resource"
            value={f.resource}
            onChange={set('resource')}
            placeholder="/subscriptions/…/resourceGroups/rg1/…"
            hint="A full resource id matches exactly; other text matches ids that contain it."
          />
          <TextField label="Resource group" value={f.group} onChange={set('group')} placeholder="rg1" />
          <TextField
            label="Operation"
            value={f.operation}
            onChange={set('operation')}
            placeholder="Microsoft.ManagedIdentity/userAssignedIdentities/write"
            hint="Matches operations that contain this text."
          />
          <TextField
            label="Caller"
            value={f.caller}
            onChange={set('caller')}
            placeholder="object id"
            hint="Object id of the principal that made the call."
          />
          <SelectField label="Result" value={f.result} onChange={set('result')} options={RESULTS} />
        </>
      )}
    </LogFilterForm>
  );
}
