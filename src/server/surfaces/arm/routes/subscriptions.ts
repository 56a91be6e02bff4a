import type { Store } from '../../../../store/store.js';
import type { SubscriptionRecord, TenantRecord } from '../../../../store/records.js';
import { LOCATIONS } from '../../../resource-base/locations.js';
import { visibleSubscriptions } from '../../../resources/subscription-visibility.js';
import { RESOURCES_API_VERSIONS } from '../api-versions.js';
import { ArmError } from '../arm-errors.js';
import type { ArmRoute } from '../router.js';
import type { SubscriptionWire } from '../../../../wire/resources.js';

const subscriptionWire = (s: SubscriptionRecord): SubscriptionWire => ({
  id: `/subscriptions/${s.id}`,
  subscriptionId: s.id,
  tenantId: s.tenantId,
  displayName: s.displayName,
  state: s.state,
  subscriptionPolicies: {
    locationPlacementId: 'Public_2014-09-01',
    quotaId: 'PayAsYouGo_2014-09-01',
    spendingLimit: 'Off',
  },
  authorizationSource: 'RoleBased',
  managedByTenants: [],
});

const tenantWire = (t: TenantRecord) => ({
  id: `/tenants/${t.id}`,
  tenantId: t.id,
  tenantCategory: 'Home',
  displayName: t.displayName,
  defaultDomain: 'openmi.local',
  domains: ['openmi.local'],
});

/** Tenants, subscriptions and their locations: what `az login` and `az account` enumerate. */
export function subscriptionRoutes(store: Store): ArmRoute[] {
  const loadSub = async (id: string) => {
    const s = await store.subscriptions.get(id.toLowerCase());
    if (!s) throw new ArmError('SubscriptionNotFound', `The subscription '${id}' could not be found.`);
    return s;
  };
  const versions = RESOURCES_API_VERSIONS;
  return [
    {
      pattern: '/tenants',
      resourceType: 'Microsoft.Resources/tenants',
      apiVersions: versions,
      methods: {
        GET: {
          action: 'Microsoft.Resources/tenants/read',
          everyone: true,
          handle: async () => ({ status: 200, body: { value: (await store.tenants.list()).map(tenantWire) } }),
        },
      },
    },
    {
      pattern: '/subscriptions',
      resourceType: 'Microsoft.Resources/subscriptions',
      apiVersions: versions,
      methods: {
        GET: {
          action: 'Microsoft.Resources/subscriptions/read',
          everyone: true,
          handle: async (c) => ({
            status: 200,
            body: { value: (await visibleSubscriptions(store, c.caller!.objectId)).map(subscriptionWire) },
          }),
        },
      },
    },
    {
      pattern: '/subscriptions/{subscriptionId}',
      resourceType: 'Microsoft.Resources/subscriptions',
      apiVersions: versions,
      methods: {
        GET: {
          action: 'Microsoft.Resources/subscriptions/read',
          handle: async (c) => ({ status: 200, body: subscriptionWire(await loadSub(c.params['subscriptionId']!)) }),
        },
      },
    },
    {
      pattern: '/subscriptions/{subscriptionId}/locations',
      resourceType: 'Microsoft.Resources/subscriptions/locations',
      apiVersions: versions,
      methods: {
        GET: {
          action: 'Microsoft.Resources/subscriptions/read',
          handle: async (c) => {
            const s = await loadSub(c.params['subscriptionId']!);
            const value = LOCATIONS.map((name) => ({
              id: `/subscriptions/${s.id}/locations/${name}`,
              name,
              displayName: name,
              regionalDisplayName: name,
              type: 'Region',
            }));
            return { status: 200, body: { value } };
          },
        },
      },
    },
  ];
}
