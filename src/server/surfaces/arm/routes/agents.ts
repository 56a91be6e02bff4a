import type { AgentRecord } from '../../../../store/records.js';
import { agentIdOf, AGENTS_TYPE, type AgentService } from '../../../agents/agents.js';
import type { JoinTokenService } from '../../../agents/join-tokens.js';
import type { TokenRevocationService } from '../../../tokens/revocation.js';
import { OPENMI_API_VERSIONS } from '../api-versions.js';
import { ArmError } from '../arm-errors.js';
import { actorOf, type ArmCall, type ArmRoute } from '../router.js';
import type { AgentWire, JoinTokenRequest, JoinTokenWire } from '../../../../wire/agents.js';

export interface AgentRouteDeps {
  agents: AgentService;
  joinTokens: JoinTokenService;
  revocations: TokenRevocationService;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const agentWire = (a: AgentRecord): AgentWire => ({
  id: agentIdOf(a),
  name: a.id,
  type: AGENTS_TYPE,
  properties: {
    resourceId: a.resourceId,
    hostname: a.hostname,
    createdAt: iso(a.createdAt),
    expiresAt: iso(a.expiresAt),
    ephemeral: a.expiresAt !== null,
  },
});

function joinTokenInput(c: ArmCall): JoinTokenRequest {
  const b = (c.body ?? {}) as Record<string, unknown>;
  if (typeof b !== 'object' || Array.isArray(b))
    throw new ArmError(
      'InvalidRequestContent',
      'The body must be a JSON object such as {"ephemeral": false, "expiresInSeconds": 3600}.',
    );
  const out: { ephemeral?: boolean; expiresInSeconds?: number } = {};
  if (b['ephemeral'] !== undefined) out.ephemeral = b['ephemeral'] === true;
  if (b['expiresInSeconds'] !== undefined) out.expiresInSeconds = Number(b['expiresInSeconds']);
  return out;
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
            const body: JoinTokenWire = {
              token: created.token,
              resourceId: r.resourceId,
              expiresOn: new Date(r.expiresAt).toISOString(),
              ephemeral: r.ephemeral,
            };
            return { status: 200, body };
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
          handle: async (c) => ({
            status: (await d.agents.delete(c.params['scope']!, c.params['agentId']!, actorOf(c))) ? 200 : 204,
          }),
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
          handle: async (c) => ({
            status: 200,
            body: { value: (await d.agents.listForResource(c.params['scope']!)).map(agentWire) },
          }),
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
