import { requireScope } from '../../../resource-base/scope-checks.js';
import type { Store } from '../../../../store/store.js';
import { ArmError } from '../arm-errors.js';
import { bodyObject, type ArmRoute } from '../router.js';

/** The answer of a provider's checkNameAvailability (Key Vault's and Storage's specs share it). */
export interface NameCheck {
  nameAvailable: boolean;
  reason?: 'AccountNameInvalid' | 'AlreadyExists';
  message?: string;
}

export interface CheckNameOptions {
  store: Store;
  /** `Microsoft.KeyVault`. */
  namespace: string;
  /** The only `type` the body may name, e.g. `Microsoft.KeyVault/vaults`. */
  type: string;
  /** The RBAC action, as the provider spells it in its operations list. */
  action: string;
  apiVersions: readonly string[];
  check(name: string): Promise<NameCheck>;
}

/**
 * `POST /subscriptions/{s}/providers/{namespace}/checkNameAvailability` with `{name, type}`: names
 * of vaults and storage accounts are global (they are DNS labels), so clients ask before they
 * create. An invalid or taken name is a 200 with `nameAvailable: false`, not an error.
 */
export function checkNameRoute(o: CheckNameOptions): ArmRoute {
  const example = `{"name":"myname","type":"${o.type}"}`;
  return {
    resourceType: `${o.namespace}/checkNameAvailability`,
    apiVersions: o.apiVersions,
    pattern: `/subscriptions/{subscriptionId}/providers/${o.namespace}/checkNameAvailability`,
    methods: {
      POST: {
        action: o.action,
        handle: async (c) => {
          const b = bodyObject(c, example);
          if (typeof b['name'] !== 'string')
            throw new ArmError(
              'InvalidRequestContent',
              `The request content must name the resource to check, e.g. ${example}.`,
            );
          if (typeof b['type'] !== 'string' || b['type'].toLowerCase() !== o.type.toLowerCase()) {
            throw new ArmError(
              'InvalidRequestContent',
              `The 'type' in the request content must be '${o.type}', not '${String(b['type'])}'.`,
            );
          }
          await requireScope(o.store, c.params['subscriptionId']!);
          return { status: 200, body: await o.check(b['name']) };
        },
      },
    },
  };
}
