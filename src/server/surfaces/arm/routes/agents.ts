import type { AgentRecord } from '../../../../store/records.js';
import type { Store } from '../../../../store/store.js';
import type { JoinTokenService } from '../../../agents/join-tokens.js';
import type { TokenRevocationService } from '../../../tokens/revocation.js';
import { OPENMI_API_VERSIONS } from '../api-versions.js';
import { ArmError } from '../arm-errors.js';
import { actorOf, type ArmCall, type ArmRoute } from '../router.js';

export interface AgentRouteDeps {
  store: Store;
  joinTokens: JoinTokenService;
  revocations: TokenRevocationService;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const agentWire = (a: AgentRecord) => ({
  id: `${a.resourceId}/providers/OpenMI.Agents/agents/${a.id}`,
  name: a.id,
  type: 'OpenMI.Agents/agents',
  properties: { resourceId: a.resourceId, hostname: a.hostname, createdAt: iso(a.createdAt), expiresAt: iso(a.expiresAt), ephemeral: a.expiresAt !== null },
});

function joinTokenInput(c: ArmCall): { ephemeral?: boolean; expiresInSeconds?: number } {
  const b = (c.body ?? {}) as Record<string, unknown>;
  if (typeof b !== 'object' || Array.isArray(b)) throw new ArmError('InvalidRequestContent', 'The body must be a JSON object such as {"ephemeral": false, "expiresInSeconds": 3600}.');
  const out: { ephemeral?: boolean; expiresInSeconds?: number } = {};
  if (b['ephemeral'] !== undefined) out.ephemeral = b['ephemeral'] === true;
  if (b['expiresInSeconds'] !== undefined) out.expiresInSeconds = Number(b['expiresInSeconds']);
  return out;
}

async function requireResource(store: Store, scope: string): Promise<string> {
  const r = await store.computeResources.get(scope);
  if (!r) throw new ArmError('ResourceNotFound', `The resource '${scope}' was not found. Agents speak for compute resources (openmi resource create).`);
  return r.id;
}

/** openmi's agent administration: join tokens, enrolled agents, and token revocation. */
export function agentRoutes(d: AgentRouteDeps): ArmRoute[] {
  return [
    {
      pattern: '{*scope}/providers/OpenMI.Agents/joinTokens',
      resourceType: 'OpenMI.Agents/joinTokens',
      apiVersions: OPENMI_API_VERSIONS,
      methods: {
        POST: {
          action: 'OpenMI.Agents/joinTokens/write',
          handle: async (c) => {
            const created = await d.joinTokens.create(actorOf(c), c.params['scope']!, joinTokenInput(c));
            const r = created.record;
            return { status: 200, body: { token: created.token, resourceId: r.resourceId, expiresOn: iso(r.expiresAt), ephemeral: r.ephemeral } };
          },
        },
      },
    },
    {
      pattern: '{*scope}/providers/OpenMI.Agents/agents/{agentId}',
      resourceType: 'OpenMI.Agents/agents',
      apiVersions: OPENMI_API_VERSIONS,
      methods: {
        DELETE: {
          action: 'OpenMI.Agents/agents/delete',
          handle: async (c) => {
            const a = await d.store.agents.get(c.params['agentId']!);
            const mine = a && a.resourceId.toLowerCase() === c.params['scope']!.toLowerCase();
            if (mine) await d.store.agents.delete(a.id);
            return { status: mine ? 200 : 204 };
          },
        },
      },
    },
    {
      pattern: '{*scope}/providers/OpenMI.Agents/agents',
      resourceType: 'OpenMI.Agents/agents',
      apiVersions: OPENMI_API_VERSIONS,
      methods: {
        GET: {
          action: 'OpenMI.Agents/agents/read',
          handle: async (c) => ({ status: 200, body: { value: (await d.store.agents.listForResource(await requireResource(d.store, c.params['scope']!))).map(agentWire) } }),
        },
      },
    },
    {
      pattern: '{*scope}/providers/OpenMI.Tokens/revokeTokens',
      resourceType: 'OpenMI.Tokens/revokeTokens',
      apiVersions: OPENMI_API_VERSIONS,
      methods: {
        POST: {
          action: 'OpenMI.Tokens/revokeTokens/action',
          handle: async (c) => {
            const r = await d.revocations.revoke(actorOf(c), c.params['scope']!);
            return { status: 200, body: { principalId: r.principalId, revokedAt: iso(r.revokedAt) } };
          },
        },
      },
    },
  ];
}
