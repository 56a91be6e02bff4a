import { listIdentities } from '../../api/identities.js';
import { loadSession } from '../../api/session.js';
import { useAsync } from '../../components/use-async.js';
import { useSubscription } from '../../subscription.js';

/**
 * Names for principal or client ids seen in the logs: the signed-in admin is "you", and managed
 * identities by their name. Anything else stays an id; a failed lookup only costs the names.
 */
export function usePrincipalNames(): (id: string | null | undefined) => string | undefined {
  const { subscriptionId, principalId: me } = useSubscription();
  const ids = useAsync(() => listIdentities(subscriptionId).catch(() => []), [subscriptionId]);
  const names = new Map<string, string>();
  for (const i of ids.data ?? []) {
    names.set(i.properties.principalId.toLowerCase(), i.name);
    names.set(i.properties.clientId.toLowerCase(), i.name);
  }
  const myApp = loadSession()?.appId.toLowerCase();
  return (id) => {
    if (!id) return undefined;
    const k = id.toLowerCase();
    if (k === me.toLowerCase() || k === myApp) return 'you';
    return names.get(k);
  };
}
