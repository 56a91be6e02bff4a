import { useId, type ReactNode } from 'react';

/** A labelled checkbox with an optional hint (the shared fields have none). */
export function CheckboxField({ label, checked, onChange, hint }: { label: string; checked: boolean; onChange: (v: boolean) => void; hint?: ReactNode }) {
  const id = useId();
  return (
    <div className="field res-check">
      <div className="res-check-row">
        <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} aria-describedby={hint ? `${id}-hint` : undefined} />
        <label htmlFor={id}>{label}</label>
      </div>
      {hint ? <p id={`${id}-hint`} className="hint">{hint}</p> : null}
    </div>
  );
}
