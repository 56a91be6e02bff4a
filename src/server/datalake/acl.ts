import { invalid } from '../../kernel/errors.js';

/**
 * POSIX ACLs of Data Lake Storage Gen2, as
 * https://learn.microsoft.com/azure/storage/blobs/data-lake-storage-access-control describes them:
 * owner/owning-group/other bits in `permissions`, named users and groups, a mask, and `default:`
 * entries a directory hands to the children created in it.
 */
export type Perm = 'r' | 'w' | 'x';

export interface AclEntry {
  isDefault: boolean;
  type: 'user' | 'group' | 'mask' | 'other';
  /** '' for the owner / owning group / mask / other. */
  id: string;
  perms: string;
}

export interface PathAccess {
  owner: string;
  group: string;
  permissions: string;
  /** Named, mask and default entries only (see formatAcl for the full text). */
  acl: string;
}

export const SUPERUSER = '$superuser';
/** Azure's umask for new paths: 027 (learn.microsoft.com … #umask). */
const UMASK = 0o027;
const ENTRY = /^(default:)?(user|group|mask|other):([^:]*):([r-][w-][x-])$/;

const fail = (what: string) => invalid(`The ACL entry '${what}' is not valid.`, { target: 'x-ms-acl' });

export function parseAcl(text: string): AclEntry[] {
  if (text.trim() === '') return [];
  return text.split(',').map((raw) => {
    const m = ENTRY.exec(raw.trim());
    if (!m) throw fail(raw);
    const type = m[2] as AclEntry['type'];
    if ((type === 'mask' || type === 'other') && m[3]) throw fail(raw);
    return { isDefault: m[1] !== undefined, type, id: m[3]!, perms: m[4]! };
  });
}

const entryText = (e: AclEntry): string => `${e.isDefault ? 'default:' : ''}${e.type}:${e.id}:${e.perms}`;

/** `rwxr-x---` or octal `0750` to symbolic; refuses anything else. */
export function symbolic(permissions: string): string {
  if (/^0?[0-7]{3}$/.test(permissions)) return fromMode(parseInt(permissions, 8));
  const p = permissions.replace(/\+$/, '');
  if (/^([r-][w-][x-]){3}$/.test(p)) return p;
  throw invalid(`The permissions '${permissions}' are not valid.`, { target: 'x-ms-permissions' });
}

const fromMode = (mode: number): string =>
  [6, 3, 0]
    .map((s) => `${mode & (4 << s) ? 'r' : '-'}${mode & (2 << s) ? 'w' : '-'}${mode & (1 << s) ? 'x' : '-'}`)
    .join('');
const toMode = (p: string): number => [...p].reduce((m, c, i) => (c === '-' ? m : m | (1 << (8 - i))), 0);

/** The full ACL text Get Access Control returns: owner, owning group, other, then the rest. */
export function formatAcl(a: PathAccess): string {
  const p = a.permissions;
  const base = [`user::${p.slice(0, 3)}`, `group::${p.slice(3, 6)}`, `other::${p.slice(6, 9)}`];
  return [...base, ...(a.acl ? [a.acl] : [])].join(',');
}

/** Applies a Set Access Control `x-ms-acl`: the owner/group/other entries become the permission bits. */
export function applyAcl(a: PathAccess, text: string): PathAccess {
  const entries = parseAcl(text);
  const bits = (type: AclEntry['type'], at: number): string =>
    entries.find((e) => !e.isDefault && e.type === type && e.id === '')?.perms ?? a.permissions.slice(at, at + 3);
  const permissions = `${bits('user', 0)}${bits('group', 3)}${bits('other', 6)}`;
  const rest = entries.filter((e) => e.isDefault || e.id !== '' || e.type === 'mask');
  return { ...a, permissions, acl: rest.map(entryText).join(',') };
}

/**
 * The access check of the doc's "How permissions are evaluated": the owning user, then named
 * users (under the mask), then the owning and named groups (under the mask; any one granting
 * suffices), then other. `groups` are the caller's group object ids.
 */
export function aclAllows(a: PathAccess, oid: string, groups: readonly string[], need: Perm): boolean {
  const has = (perms: string | undefined) => perms !== undefined && perms.includes(need);
  if (a.owner === oid) return has(a.permissions.slice(0, 3));
  const access = parseAcl(a.acl).filter((e) => !e.isDefault);
  const mask = access.find((e) => e.type === 'mask')?.perms ?? 'rwx';
  const masked = (perms: string) => has(perms) && mask.includes(need);
  const named = access.find((e) => e.type === 'user' && e.id === oid);
  if (named) return masked(named.perms);
  const groupPerms = [
    ...(groups.includes(a.group) ? [a.permissions.slice(3, 6)] : []),
    ...access.filter((e) => e.type === 'group' && e.id !== '' && groups.includes(e.id)).map((e) => e.perms),
  ];
  if (groupPerms.length > 0) return groupPerms.some(masked);
  return has(a.permissions.slice(6, 9));
}

/**
 * What a new child of `parent` gets: its parent's default ACL as its access ACL (and, for a
 * directory, as its default ACL too), else `requested` (or 0777/0666) under the umask. The
 * owner is the creator, the owning group the parent's (the doc's "owning group" cases).
 */
export function childAccess(parent: PathAccess, owner: string, isDirectory: boolean, requested?: string): PathAccess {
  const defaults = parseAcl(parent.acl).filter((e) => e.isDefault);
  const base = requested ? toMode(symbolic(requested)) : isDirectory ? 0o777 : 0o666;
  if (defaults.length === 0) return { owner, group: parent.group, permissions: fromMode(base & ~UMASK), acl: '' };
  const own = (type: AclEntry['type']) => defaults.find((e) => e.type === type && e.id === '')?.perms ?? '---';
  const fileBits = (p: string) => (isDirectory ? p : p.replace('x', '-'));
  const permissions = fileBits(own('user')) + fileBits(own('group')) + fileBits(own('other'));
  const named = defaults.filter((e) => e.id !== '' || e.type === 'mask').map((e) => ({ ...e, isDefault: false }));
  const inherited = [...named, ...(isDirectory ? defaults : [])];
  return { owner, group: parent.group, permissions, acl: inherited.map(entryText).join(',') };
}
