import type { ChangeSink } from '../../../audit/changes-batch.js';
import type { KeyRing } from '../../../tokens/key-ring.js';
import {
  listSigningKeys,
  ROTATE_OPERATION,
  rotateSigningKeys,
  SIGNING_KEYS_PATH,
  type SigningKeyInfo,
} from '../../../tokens/rotation.js';
import { actorOf, type ArmRoute } from '../router.js';

/** openmi's own provider: no Azure client sends these, so one api-version is enough. */
export const SIGNING_KEYS_API_VERSIONS = ['2025-01-01'] as const;
const TYPE = 'OpenMI.Tokens/signingKeys';
const COLLECTION = SIGNING_KEYS_PATH;
export const ROTATE_ACTION = ROTATE_OPERATION;

export interface SigningKeyRouteDeps {
  keys: KeyRing;
  sink: ChangeSink;
  /** The longest lifetime of any token we issue; a retired key stays in JWKS that long (plus grace). */
  maxTokenLifetimeMs: number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const wire = (k: SigningKeyInfo) => ({
  kid: k.kid,
  status: k.status,
  createdAt: iso(k.createdAt),
  activatedAt: iso(k.activatedAt),
  retiredAt: iso(k.retiredAt),
  publishUntil: iso(k.publishUntil),
});

/** `GET …/signingKeys` and `POST …/signingKeys/rotate`: the token signing keys, tenant-wide. */
export function signingKeyRoutes(d: SigningKeyRouteDeps): ArmRoute[] {
  const common = { resourceType: TYPE, apiVersions: SIGNING_KEYS_API_VERSIONS };
  return [
    {
      ...common,
      pattern: COLLECTION,
      methods: {
        GET: {
          action: `${TYPE}/read`,
          handle: async () => ({ status: 200, body: { value: (await listSigningKeys(d.sink.store)).map(wire) } }),
        },
      },
    },
    {
      ...common,
      pattern: `${COLLECTION}/rotate`,
      methods: {
        POST: {
          action: ROTATE_ACTION,
          handle: async (call) => ({
            status: 200,
            body: await rotateSigningKeys(d.keys, d.sink, actorOf(call), d.maxTokenLifetimeMs),
          }),
        },
      },
    },
  ];
}
