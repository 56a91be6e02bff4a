import type { Clock } from '../../kernel/clock.js';
import { notFound } from '../../kernel/errors.js';
import type { AgentRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { Actor, ChangeRecorder } from '../audit/changes.js';
import { changeInTransaction } from '../audit/changes-batch.js';

export const AGENTS_TYPE = 'OpenMI.Agents/agents';

/** An agent's ARM id: a child of the resource it speaks for. */
export const agentIdOf = (a: Pick<AgentRecord, 'resourceId' | 'id'>): string =>
  `${a.resourceId}/providers/${AGENTS_TYPE}/${a.id}`;

/** Enrolled agents as operators administer them over ARM (enrollment itself is agents' own, enrollment.ts). */
export class AgentService {
  constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly recorder: ChangeRecorder,
  ) {}

  /** The agents of a compute resource; the resource must exist. */
  async listForResource(resourceId: string): Promise<AgentRecord[]> {
    const r = await this.store.computeResources.get(resourceId);
    if (!r)
      throw notFound(
        `The resource '${resourceId}' was not found. Agents speak for compute resources (openmi resource create).`,
        { code: 'ResourceNotFound' },
      );
    return this.store.agents.listForResource(r.id);
  }

  /** Deletes the agent when it speaks for `resourceId`; false when there is no such agent there. */
  delete(resourceId: string, agentId: string, actor: Actor): Promise<boolean> {
    return changeInTransaction(this, actor, async (tx, batch) => {
      const a = await tx.agents.get(agentId);
      if (!a || a.resourceId.toLowerCase() !== resourceId.toLowerCase()) return false;
      await tx.agents.delete(a.id);
      batch.add(`${AGENTS_TYPE}/delete`, agentIdOf(a), { hostname: a.hostname });
      return true;
    });
  }
}
