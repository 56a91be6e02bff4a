import type { Logger } from '../kernel/log.js';
import type { Store } from '../store/store.js';

/**
 * Asks the store whether this node leads housekeeping (retention, expired keys, old
 * revocations), and logs when that changes, so operators can see which node does it and when
 * another takes over (docs/operations.md). A failed check counts as not leading. `onCheck` gets
 * every answer (the `openmi_housekeeping_leader` gauge).
 */
export function housekeepingLeader(
  store: Store,
  log: Logger,
  onCheck: (leading: boolean) => void = () => undefined,
): () => Promise<boolean> {
  let was: boolean | undefined;
  return async () => {
    const leading = await store.tryLead().catch(() => false);
    onCheck(leading);
    if (leading !== was && store.kind === 'postgres') {
      if (leading) log.info('this node now leads housekeeping (audit retention, expired signing keys and revocations)');
      else if (was) log.warn('this node no longer leads housekeeping; another node will take over');
    }
    was = leading;
    return leading;
  };
}
