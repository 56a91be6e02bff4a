import type { ChangeRecorder } from '../../../audit/changes.js';
import type { Clock } from '../../../../kernel/clock.js';
import type { Random } from '../../../../kernel/ids.js';
import type { FederationIssuerRecord } from '../../../../store/records.js';
import type { Store } from '../../../../store/store.js';
import type { KeyRing } from '../../../tokens/key-ring.js';
import type { SigningPool } from '../../../tokens/jwt/signing-pool.js';
import {
  FEDERATION_ISSUER_TYPE,
  FederationIssuerService,
  resourceIdOf,
} from '../../../tokens/federation/issuer-registry.js';
import {
  checkWorkloadTokenRequest,
  WorkloadTokenMinter,
  workloadIssuerUrl,
} from '../../../tokens/federation/workload-issuer.js';
import { actorOf, bodyObject, type ArmCall, type ArmRoute } from '../router.js';

/** openmi's own resource provider; one api-version, bumped only on a breaking change. */
export const OPENMI_TOKENS_API_VERSIONS = ['2025-01-01'] as const;
const WORKLOAD_TOKENS_TYPE = 'OpenMI.Tokens/workloadTokens';

export interface FederationRouteDeps {
  store: Store;
  keys: KeyRing;
  clock: Clock;
  random: Random;
  baseUrl: string;
  recorder: ChangeRecorder;
  /** Signs workload tokens on worker threads when the server runs a pool. */
  pool?: SigningPool | undefined;
}

const issuerWire = (r: FederationIssuerRecord) => ({
  id: resourceIdOf(r.name),
  name: r.name,
  type: FEDERATION_ISSUER_TYPE,
  properties: {
    issuer: r.issuer,
    jwks: r.jwks,
    createdBy: r.createdBy,
    createdOn: new Date(r.createdAt).toISOString(),
    updatedOn: new Date(r.updatedAt).toISOString(),
  },
});

function issuerInput(c: ArmCall): Record<string, unknown> {
  const props = bodyObject(c, '{"properties":{"issuer":"https://issuer.example","jwks":{"keys":[…]}}}')['properties'];
  return (typeof props === 'object' && props !== null && !Array.isArray(props) ? props : {}) as Record<string, unknown>;
}

/** `POST /providers/OpenMI.Tokens/workloadTokens`: a JWT from openmi's workload issuer, for pipelines without one. */
function workloadTokenRoute(d: FederationRouteDeps): ArmRoute {
  const minter = new WorkloadTokenMinter(d.keys, d.baseUrl, d.clock, d.random, d.pool);
  return {
    pattern: '/providers/OpenMI.Tokens/workloadTokens',
    resourceType: WORKLOAD_TOKENS_TYPE,
    apiVersions: OPENMI_TOKENS_API_VERSIONS,
    methods: {
      POST: {
        action: `${WORKLOAD_TOKENS_TYPE}/action`,
        handle: async (c) => {
          const t = await minter.mint(
            checkWorkloadTokenRequest(bodyObject(c, '{"subject":"system:serviceaccount:ns:app"}')),
          );
          return {
            status: 200,
            body: {
              token: t.token,
              issuer: t.issuer,
              subject: t.subject,
              audience: t.audience,
              expiresOn: new Date(t.expiresAt).toISOString(),
            },
          };
        },
      },
    },
  };
}

/** OpenMI.Tokens: workload tokens and registered federation issuers. */
export function federationRoutes(d: FederationRouteDeps): ArmRoute[] {
  const issuers = new FederationIssuerService(d.store, d.clock, d.recorder, workloadIssuerUrl(d.baseUrl));
  const common = { resourceType: FEDERATION_ISSUER_TYPE, apiVersions: OPENMI_TOKENS_API_VERSIONS };
  const name = (c: ArmCall) => c.params['name']!;
  return [
    workloadTokenRoute(d),
    {
      ...common,
      pattern: '/providers/OpenMI.Tokens/federationIssuers',
      methods: {
        GET: {
          action: `${FEDERATION_ISSUER_TYPE}/read`,
          handle: async () => ({ status: 200, body: { value: (await issuers.list()).map(issuerWire) } }),
        },
      },
    },
    {
      ...common,
      pattern: '/providers/OpenMI.Tokens/federationIssuers/{name}',
      methods: {
        GET: {
          action: `${FEDERATION_ISSUER_TYPE}/read`,
          handle: async (c) => ({ status: 200, body: issuerWire(await issuers.get(name(c))) }),
        },
        PUT: {
          action: `${FEDERATION_ISSUER_TYPE}/write`,
          handle: async (c) => {
            const { record, created } = await issuers.put(name(c), issuerInput(c), actorOf(c));
            return { status: created ? 201 : 200, body: issuerWire(record) };
          },
        },
        DELETE: {
          action: `${FEDERATION_ISSUER_TYPE}/delete`,
          handle: async (c) => ({ status: (await issuers.delete(name(c), actorOf(c))) ? 200 : 204 }),
        },
      },
    },
  ];
}
