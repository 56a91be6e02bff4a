import { SIGN_IN_FLOWS } from '../../api/sign-in-log.js';
import { SelectField, TextField } from '../../components/fields.js';
import { rangeFromQuery, type TimeRange } from './time-range.js';
import { filtersToQuery, LogFilterForm } from './log-filter-form.js';

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

export const signInFiltersToQuery = (f: SignInFilters): string =>
  filtersToQuery(f, ['identity', 'calling', 'result', 'flow']);

const RESULTS = [
  { value: '', label: 'All' },
  { value: 'success', label: 'Success' },
  { value: 'failure', label: 'Failure' },
];

export function SignInFilterForm({
  initial,
  onApply,
}: {
  initial: SignInFilters;
  onApply: (f: SignInFilters) => void;
}) {
  return (
    <LogFilterForm label="Sign-in log filters" initial={initial} onApply={onApply}>
      {(f, set) => (
        <>
          <TextField
            label="Identity"
            value={f.identity}
            onChange={set('identity')}
            placeholder="/subscriptions/…/userAssignedIdentities/id1"
            hint="Identity resource id, principal id or client id (exact)."
          />
          <TextField
            label="Calling resource"
            value={f.calling}
            onChange={set('calling')}
            placeholder="/subscriptions/…/virtualMachines/vm1"
            hint="Resource id whose workload asked (exact)."
          />
          <SelectField label="Result" value={f.result} onChange={set('result')} options={RESULTS} />
          <SelectField
            label="Flow"
            value={f.flow}
            onChange={set('flow')}
            options={[{ value: '', label: 'All' }, ...SIGN_IN_FLOWS]}
          />
        </>
      )}
    </LogFilterForm>
  );
}
