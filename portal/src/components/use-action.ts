import { useCallback, useState } from 'react';

export interface ActionState {
  busy: boolean;
  /** The last run's error, in the server's words; cleared when a run starts. */
  error: unknown;
  setError: (error: unknown) => void;
  /** Runs `action` once: busy meanwhile, and what it throws kept in `error` rather than thrown on. */
  run: (action: () => Promise<unknown>) => Promise<void>;
}

/** The busy flag and error of a form's submit or a button's action. */
export function useAction(): ActionState {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = useCallback(async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
