import type { Actor, ChangeRecorder } from '../audit/changes.js';
import { changeInTransaction } from '../audit/changes-batch.js';
import type { Clock } from '../../kernel/clock.js';
import { DomainError, invalid, notFound } from '../../kernel/errors.js';
import type { Random } from '../../kernel/ids.js';
import type { GroupMemberRecord, GroupMemberType, GroupRecord } from '../../store/group-repo.js';
import type { GroupFilter, Page, Store, StoreRepos } from '../../store/store.js';
import type { Authorizer } from '../rbac/authorizer.js';
import { checkGroupCreate, checkGroupUpdate, type GroupInput } from './group-input.js';
import { transitiveGroups, transitiveMembers } from '../identities/group-expansion.js';
import { groupResourceId, GROUPS_OP as OP, logMembership } from '../identities/memberships.js';

/**
 * Directory writes are authorization data (a membership grants the group's roles), so they need
 * an action Contributor's `Microsoft.Authorization/*\/Write` exclusion keeps out: at the root
 * scope `/`, Owner and User Access Administrator hold them; the bootstrap admin is Owner at `/`
 * (docs/groups.md).
 */
export const GROUPS_WRITE = 'Microsoft.Authorization/directoryGroups/write';
export const GROUPS_DELETE = 'Microsoft.Authorization/directoryGroups/delete';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Security groups of the directory and their members (docs/groups.md). Every write is logged. */
export class GroupService {
  constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly recorder: ChangeRecorder,
    private readonly random: Random,
    private readonly authorizer: Authorizer,
    private readonly tenantId: string,
  ) {}

  async get(id: string): Promise<GroupRecord> {
    const g = GUID.test(id) ? await this.store.groups.get(id) : undefined;
    if (!g)
      throw notFound(
        `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
      );
    return g;
  }

  list(filter: GroupFilter, limit: number, after?: string): Promise<Page<GroupRecord>> {
    return this.store.groups.list(filter, limit, after);
  }

  async create(input: GroupInput, actor: Actor): Promise<GroupRecord> {
    await this.authorize(actor, GROUPS_WRITE);
    const c = checkGroupCreate(input);
    const now = this.clock.now();
    const g: GroupRecord = {
      id: this.random.uuid(),
      tenantId: this.tenantId,
      ...c,
      securityEnabled: true,
      createdBy: actor.principalId,
      createdAt: now,
      updatedAt: now,
    };
    return changeInTransaction(this, actor, async (tx, batch) => {
      await tx.groups.create(g);
      batch.add(`${OP}/write`, groupResourceId(g.id), { created: true, displayName: g.displayName });
      return g;
    });
  }

  async update(id: string, input: GroupInput, actor: Actor): Promise<GroupRecord> {
    await this.authorize(actor, GROUPS_WRITE);
    const current = await this.get(id);
    const g = { ...current, ...checkGroupUpdate(input, current), updatedAt: this.clock.now() };
    return changeInTransaction(this, actor, async (tx, batch) => {
      if (!(await tx.groups.update(g))) throw notFound(`Group '${id}' was deleted meanwhile.`);
      batch.add(`${OP}/write`, groupResourceId(g.id), { created: false, displayName: g.displayName });
      return g;
    });
  }

  /**
   * Takes the group's memberships (as container and as member) and every role assignment naming
   * it, in one transaction, each logged: Entra deletes a group's assignments with it, and nothing
   * orphaned should keep granting.
   */
  async delete(id: string, actor: Actor): Promise<void> {
    await this.authorize(actor, GROUPS_DELETE);
    const g = await this.get(id);
    await changeInTransaction(this, actor, async (tx, batch) => {
      for (const m of await tx.groups.listMembers(g.id)) logMembership(batch, 'delete', m, 'group deleted');
      for (const m of await tx.groups.listMemberships(g.id)) logMembership(batch, 'delete', m, 'group deleted');
      for (const ra of await tx.roleAssignments.listForPrincipal(g.id)) {
        await tx.roleAssignments.delete(ra.id);
        batch.add('Microsoft.Authorization/roleAssignments/delete', ra.id, {
          reason: 'group deleted',
          groupId: g.id,
          roleDefinitionId: ra.roleDefinitionId,
          scope: ra.scope,
        });
      }
      await tx.groups.delete(g.id);
      batch.add(`${OP}/delete`, groupResourceId(g.id), { displayName: g.displayName });
    });
  }

  /** `memberId` is a service principal's object id or a group id; nesting that closes a cycle is refused. */
  async addMember(groupId: string, memberId: string, actor: Actor): Promise<GroupMemberRecord> {
    await this.authorize(actor, GROUPS_WRITE);
    const g = await this.get(groupId);
    return changeInTransaction(this, actor, async (tx, batch) => {
      const memberType = await memberTypeOf(tx, memberId);
      if (memberType === 'group') await refuseCycle(tx, g, memberId);
      const m: GroupMemberRecord = {
        groupId: g.id,
        memberId,
        memberType,
        createdBy: actor.principalId,
        createdAt: this.clock.now(),
      };
      try {
        await tx.groups.addMember(m);
      } catch (e) {
        if (e instanceof DomainError && e.kind === 'conflict')
          throw invalid(
            "One or more added object references already exist for the following modified properties: 'members'.",
            { target: 'members' },
          );
        throw e;
      }
      logMembership(batch, 'write', m);
      return m;
    });
  }

  async removeMember(groupId: string, memberId: string, actor: Actor): Promise<void> {
    await this.authorize(actor, GROUPS_WRITE);
    const g = await this.get(groupId);
    await changeInTransaction(this, actor, async (tx, batch) => {
      const m = (await tx.groups.listMembers(g.id)).find((x) => x.memberId.toLowerCase() === memberId.toLowerCase());
      if (!m || !(await tx.groups.removeMember(g.id, memberId)))
        throw notFound(`'${memberId}' is not a direct member of group '${g.id}'.`);
      logMembership(batch, 'delete', m);
    });
  }

  members(groupId: string): Promise<GroupMemberRecord[]> {
    return this.store.groups.listMembers(groupId);
  }

  transitiveMembers(groupId: string): Promise<GroupMemberRecord[]> {
    return transitiveMembers((id) => this.store.groups.listMembers(id), groupId);
  }

  /** The groups a principal or group is in, directly and through nesting, with the path of each. */
  async memberOf(memberId: string): Promise<{ group: GroupRecord; path: string[] }[]> {
    const paths = await transitiveGroups((id) => this.store.groups.listMemberships(id), memberId);
    const groups = await Promise.all([...paths.keys()].map((id) => this.store.groups.get(id)));
    return [...paths.values()].flatMap((path, i) => (groups[i] ? [{ group: groups[i], path }] : []));
  }

  private async authorize(actor: Actor, action: string): Promise<void> {
    const d = await this.authorizer.check(actor.principalId, action, '/');
    if (!d.allowed)
      throw new DomainError(
        'forbidden',
        `Insufficient privileges to complete the operation: directory writes need ${action} at scope / (Owner or User Access Administrator at /); ${d.reason}.`,
      );
  }
}

async function memberTypeOf(tx: StoreRepos, memberId: string): Promise<GroupMemberType> {
  if (GUID.test(memberId)) {
    if (await tx.principals.getByObjectId(memberId)) return 'servicePrincipal';
    if (await tx.groups.get(memberId)) return 'group';
  }
  throw notFound(
    `Resource '${memberId}' does not exist or one of its queried reference-property objects are not present. Members are service principals (a managed identity's principal id) or groups.`,
  );
}

/** Adding group `memberId` to `g` closes a cycle when `g` is `memberId` or already inside it. */
async function refuseCycle(tx: StoreRepos, g: GroupRecord, memberId: string): Promise<void> {
  const paths = await transitiveGroups((id) => tx.groups.listMemberships(id), g.id);
  const loop =
    memberId.toLowerCase() === g.id.toLowerCase()
      ? []
      : [...paths.entries()].find(([id]) => id.toLowerCase() === memberId.toLowerCase())?.[1];
  if (loop === undefined) return;
  const names = [g.id, ...loop, g.id].join(' → ');
  throw invalid(
    `Adding group '${memberId}' to group '${g.id}' would create a cycle (${names}, each a member of the next): a group cannot contain itself, directly or through nested groups.`,
    { target: 'members' },
  );
}
