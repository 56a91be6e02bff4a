import { z } from 'zod';
import data from './builtin-roles.json' with { type: 'json' };
import type { RoleDefinition } from './roles.js';

/**
 * Azure's built-in roles, shipped as data (builtin-roles.json) and validated when this module
 * loads: a typo in a GUID or an operation string must stop the server at start, not surface as
 * a wrong access decision later.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// `*` alone, or `/`-separated non-empty segments of name characters and `*`.
const OPERATION = /^(\*|[A-Za-z0-9._*-]+(\/[A-Za-z0-9._*-]+)*)$/;
// Azure writes times with up to seven fractional digits (.NET ticks).
const AZURE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z$/;

const operations = z.array(z.string().regex(OPERATION, 'not an operation string'));

const permissionSchema = z.strictObject({
  actions: operations,
  notActions: operations,
  dataActions: operations,
  notDataActions: operations,
});

const roleSchema = z.strictObject({
  id: z.string().regex(GUID, 'not a lower-case GUID'),
  roleName: z.string().min(1),
  description: z.string().min(1),
  assignableScopes: z.array(z.literal('/')).length(1),
  permissions: z.array(permissionSchema).min(1),
  createdOn: z.string().regex(AZURE_TIME).nullable(),
  updatedOn: z.string().regex(AZURE_TIME).nullable(),
});

const fileSchema = z
  .strictObject({ source: z.string(), roles: z.array(roleSchema).min(1) })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    for (const r of file.roles) {
      for (const key of [r.id, `name:${r.roleName.toLowerCase()}`]) {
        if (seen.has(key)) ctx.addIssue({ code: 'custom', message: `duplicate built-in role ${key}` });
        seen.add(key);
      }
    }
  });

/** A built-in role as shipped, with Azure's time strings kept verbatim for the wire. */
export type BuiltinRoleEntry = z.infer<typeof roleSchema>;

/** Validates the shipped file's content; exported so a test can prove a typo is caught. */
export function parseBuiltinRoles(content: unknown): BuiltinRoleEntry[] {
  const parsed = fileSchema.safeParse(content);
  if (!parsed.success) throw new Error(`builtin-roles.json is invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data.roles;
}

const toMillis = (time: string | null): number | null => (time === null ? null : Date.parse(time));

// Frozen all the way down: every caller shares these objects, so one that edited its copy would
// change the role for everyone; freezing turns that bug into an immediate TypeError.
function toDefinition(e: BuiltinRoleEntry): RoleDefinition {
  return deepFreeze({
    id: e.id,
    roleName: e.roleName,
    type: 'BuiltInRole',
    description: e.description,
    assignableScopes: [...e.assignableScopes],
    permissions: e.permissions.map((p) => ({ ...p })),
    createdAt: toMillis(e.createdOn),
    updatedAt: toMillis(e.updatedOn),
    createdBy: null,
    updatedBy: null,
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The shipped entries (Azure's createdOn/updatedOn strings included, for surfaces that echo them). */
export const BUILTIN_ROLE_ENTRIES: readonly BuiltinRoleEntry[] = Object.freeze(parseBuiltinRoles(data));

/** Every built-in role as a RoleDefinition. */
export const BUILTIN_ROLES: readonly RoleDefinition[] = Object.freeze(BUILTIN_ROLE_ENTRIES.map(toDefinition));

const byId = new Map(BUILTIN_ROLES.map((r) => [r.id, r]));
const byName = new Map(BUILTIN_ROLES.map((r) => [r.roleName.toLowerCase(), r]));

/** The built-in role with this GUID (any casing), if any. */
export function builtinRoleById(guid: string): RoleDefinition | undefined {
  return byId.get(guid.toLowerCase());
}

/** The built-in role with this name (case-insensitive, as Azure's `roleName eq` filter), if any. */
export function builtinRoleByName(roleName: string): RoleDefinition | undefined {
  return byName.get(roleName.toLowerCase());
}

/** GUIDs other modules name in code (bootstrap grants Owner; tests and benches use the rest). */
export const BuiltinRoleIds = {
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  userAccessAdministrator: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
  managedIdentityOperator: 'f1a07417-d97a-45cb-824c-7a7467783830',
  managedIdentityContributor: 'e40ec5ca-96e0-45a2-b4ff-59039f2c2b59',
  storageBlobDataReader: '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1',
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  keyVaultCryptoOfficer: '14b46e9e-c2b7-41b4-b07b-48a6ebf60603',
  keyVaultCryptoUser: '12338af0-0e69-4776-bea7-57ae8d297424',
  keyVaultCertificatesOfficer: 'a4417e6f-fecd-4de8-b567-7b0420556985',
  keyVaultCertificateUser: 'db79e9a7-68ee-4b58-9aeb-b90e7c24fcba',
} as const;

for (const [key, guid] of Object.entries(BuiltinRoleIds)) {
  if (!byId.has(guid)) throw new Error(`builtin-roles.json lacks the ${key} role (${guid})`);
}
