import { useEffect, useId, useState } from 'react';
import { hasSystem, setSystemAssigned } from '../../api/resources.js';
import { ErrorBanner } from '../../components/feedback.js';
import { useSubscription } from '../../subscription.js';
import type { IdentitySectionProps } from './identity-tab.js';
import { useAction } from '../../components/use-action.js';

function Toggle({ on, onChange }: { on: boolean; onChange: (on: boolean) => void }) {
  const name = useId();
  return (
    <fieldset className="res-toggle">
      <legend>System-assigned identity</legend>
      <div className="res-segments">
        {(['Off', 'On'] as const).map((label) => (
          <label key={label}>
            <input
              type="radio"
              name={name}
              value={label}
              checked={on === (label === 'On')}
              onChange={() => onChange(label === 'On')}
            />
            {label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** Status Off/On plus Save, as in the Azure portal; turning it off retires the principal. */
export function SystemAssignedSection({ resource: r, resourceKey, onChanged }: IdentitySectionProps) {
  const { subscriptionId } = useSubscription();
  const current = hasSystem(r);
  const [on, setOn] = useState(current);
  const { busy, error, run } = useAction();
  useEffect(() => setOn(current), [current]);
  const save = () =>
    run(async () => {
      await setSystemAssigned(subscriptionId, r, resourceKey, on);
      onChanged(
        on
          ? `Turned on the system-assigned identity of ${r.name}.`
          : `Turned off the system-assigned identity of ${r.name}; its principal and role assignments were deleted.`,
      );
    });
  return (
    <section className="panel res-section" aria-labelledby="sys-title">
      <h2 id="sys-title">System assigned</h2>
      <p className="muted res-note">
        An identity that belongs to this resource: it lives and is deleted with it. Grant it roles so workloads on{' '}
        {r.name} can call other services without secrets.
      </p>
      <ErrorBanner error={error} title="The system-assigned identity could not be changed." />
      <Toggle on={on} onChange={setOn} />
      {current && !on ? (
        <p className="banner banner-warn">
          Saving deletes this identity's principal and all its role assignments. Turning it on again creates a new
          principal with a new ID.
        </p>
      ) : null}
      <div className="res-toggle-actions">
        <button type="button" className="primary" onClick={() => void save()} disabled={busy || on === current}>
          {busy ? 'Saving…' : 'Save'}
        </button>
        {on !== current ? <span className="muted">Unsaved change</span> : null}
      </div>
      {current ? (
        <dl className="props">
          <dt>Principal ID</dt>
          <dd className="mono">{r.identity?.principalId}</dd>
          <dt>Tenant ID</dt>
          <dd className="mono">{r.identity?.tenantId}</dd>
        </dl>
      ) : (
        <p className="muted">Off: {r.name} has no system-assigned identity.</p>
      )}
    </section>
  );
}
