import type { Authorizer } from '../../../rbac/authorizer.js';
import { listReadable } from '../../../resources/readable-listing.js';
import type { Page } from '../../../../store/store.js';
import { ArmError } from '../arm-errors.js';
import { readSkipToken, readTop } from '../paging.js';
import type { ArmCall } from '../router.js';

/**
 * One page of a subscription-wide list of `{type}`, cut to what the caller may read, as ARM
 * filters list results by the caller's access: `action` over the listed scope lists everything;
 * otherwise each resource is checked at its own id (read on its group or on it alone). A caller
 * who may read none of them gets the refusal it got before, so a list tells an outsider nothing.
 */
export async function readablePage<T extends { id: string; name: string }>(
  authorizer: Authorizer,
  c: ArmCall,
  action: string,
  list: (limit: number, after?: string) => Promise<Page<T>>,
  defaultTop = 100,
): Promise<Page<T>> {
  const caller = c.caller!;
  const [limit, after] = [readTop(c.ctx, defaultTop, 1000), readSkipToken(c.ctx)];
  const whole = await authorizer.check(caller.objectId, action, c.ctx.path);
  if (whole.allowed) return list(limit, after);
  const p = await listReadable({
    list,
    canRead: async (r) => (await authorizer.check(caller.objectId, action, r.id)).allowed,
    limit,
    after,
  });
  if (after === undefined && p.items.length === 0 && p.next === undefined)
    throw new ArmError(
      'AuthorizationFailed',
      `The client '${caller.appId}' with object id '${caller.objectId}' does not have authorization to perform action '${action}' over scope '${c.ctx.path}' or the scope is invalid, nor on any resource of that type in it. If access was recently granted, please refresh your credentials. (${whole.reason})`,
    );
  return p;
}
