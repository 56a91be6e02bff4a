// Folder-level import directions (docs/adr/0009-layout-and-import-directions.md), enforced by
// eslint-plugin-boundaries' `boundaries/dependencies` rule. Every folder is an element; an import
// is refused unless a policy below allows it (default: disallow).

/**
 * Server domains, lowest first: a domain imports only domains listed before it, so the folders
 * cannot form an import cycle. Adding an arrow upwards means moving the shared piece down instead.
 */
export const DOMAINS = [
  'audit', // activity and sign-in logs: every domain records into them
  'pki',
  'resource-base', // the rules every ARM resource obeys: parent scope, location, tags, its role assignments
  'tokens',
  'identities',
  'storage-accounts',
  'datalake', // Data Lake path ACLs (docs/data-planes.md#data-lake)
  'resources', // compute resources and what spans every kind: listing, a group's deletion
  'key-vaults',
  'rbac',
  'registries', // container registries and their token service: RBAC decides the repository actions
  'agents',
  'directory',
];

/** HTTP surfaces, lowest first: a surface imports only surfaces listed before it (shared auth, ARM's authentication). */
export const SURFACES = [
  'data-plane-auth',
  'ops',
  'oauth',
  'agent-api',
  'blob',
  'dfs',
  'queue',
  'table',
  'keyvault',
  'registry',
  'arm',
  'graph',
  'portal',
];

const el = (type, pattern, extra = {}) => ({ type, pattern, partialMatch: false, ...extra });

export const elements = [
  el('kernel', 'src/kernel'),
  el('config', 'src/config'),
  el('store', 'src/store'),
  el('wire', 'src/wire'),
  // The ARM client the CLI and the gate share: a client of the wire, like them.
  el('client', 'src/client'),
  el('agent', 'src/agent'),
  el('gate', 'src/gate'),
  el('cli', 'src/cli'),
  el('surface', 'src/server/surfaces/*', { capture: ['name'] }),
  el('domain', 'src/server/*', { capture: ['name'] }),
  // What is left directly in src/server: app.ts starts the process, surfaces.ts (and arm-routes.ts) wire the surfaces.
  el('server-entry', 'src/server'),
  el('portal', 'portal'),
  // Tests, benchmarks and tools may import anything (they are not linted by this rule); nothing imports them.
  el('dev', ['test', 'bench', 'tools']),
];

const type = (t) => ({ element: { type: t } });
const types = (...t) => ({ element: { type: t } });
const named = (t, names) => ({ element: { type: t, captured: { name: names } } });

const lowerDomains = DOMAINS.map((d, i) => ({
  from: named('domain', d),
  allow: { to: [types('kernel', 'config', 'store', 'wire'), ...(i > 0 ? [named('domain', DOMAINS.slice(0, i))] : [])] },
}));

const lowerSurfaces = SURFACES.map((s, i) => ({
  from: named('surface', s),
  allow: {
    to: [
      types('kernel', 'config', 'store', 'wire', 'domain'),
      ...(i > 0 ? [named('surface', SURFACES.slice(0, i))] : []),
    ],
  },
}));

/** The policies every non-test file under src/ and portal/ is held to. */
export const policies = [
  // Wire shapes and code tables import nothing, so even the kernel may name them (error codes).
  { from: type('kernel'), allow: { to: types('kernel', 'wire') } },
  { from: type('wire'), allow: { to: type('wire') } },
  { from: type('config'), allow: { to: types('config', 'kernel') } },
  { from: type('store'), allow: { to: types('store', 'kernel') } },
  ...lowerDomains,
  ...lowerSurfaces,
  {
    from: type('server-entry'),
    allow: { to: types('server-entry', 'surface', 'domain', 'store', 'config', 'kernel', 'wire') },
  },
  // The processes besides the server talk to it over the wire only.
  { from: type('agent'), allow: { to: types('agent', 'wire', 'kernel') } },
  { from: type('gate'), allow: { to: types('gate', 'client', 'wire', 'kernel') } },
  { from: type('client'), allow: { to: types('client', 'wire', 'kernel', 'config') } },
  { from: type('portal'), allow: { to: types('portal', 'wire', 'kernel') } },
  {
    from: type('cli'),
    allow: {
      to: [
        types('cli', 'client', 'wire', 'kernel', 'config'),
        // `openmi serve` starts the server through its entry module (and `openmi env` reads where it keeps its files).
        { element: { type: 'server-entry' }, file: { path: 'src/server/app.ts' } },
        // `openmi backup` and `openmi restore` copy the SQLite file with SQLite's own backup API.
        { element: { type: 'store' }, file: { path: 'src/store/sqlite/sqlite-backup.ts' } },
        // `openmi agent` starts the agent through its entry module.
        { element: { type: 'agent' }, file: { path: 'src/agent/agent-runtime.ts' } },
      ],
    },
  },
  // `openmi gate` assembles the gate (it has no entry module of its own) in these commands.
  {
    from: { file: { path: ['src/cli/commands/gate.ts', 'src/cli/commands/gate-postgres.ts'] } },
    allow: { to: type('gate') },
  },
  // The principal mapping of `openmi gate postgres` lives in the user's database, not openmi's
  // store; its SQL stays in src/store all the same (docs/adr/0011-postgres-gate.md).
  {
    from: { file: { path: 'src/cli/commands/gate-postgres.ts' } },
    allow: { to: { element: { type: 'store' }, file: { path: 'src/store/postgres/upstream-principals.ts' } } },
  },
];

/**
 * TEMPORARY — imports that break the directions today and are being removed on other branches
 * (shared wire types in src/wire; the gate no longer importing the CLI or server code). Delete
 * each line as its branch merges; the rule then holds them like every other import.
 */
function pending(from, to) {
  return { from: { file: { path: from } }, allow: { to: { file: { path: to } } } };
}

export const pendingExceptions = [
  pending(
    ['src/gate/revocation-list.ts'],
    ['src/store/records.ts', 'src/store/store.ts', 'src/server/surfaces/arm/routes/revocations.ts'],
  ),
  pending(
    ['src/gate/remote-authorizer.ts'],
    ['src/server/rbac/authorizer.ts', 'src/server/surfaces/arm/routes/check-access.ts'],
  ),
  pending(['src/gate/jwks-verifier.ts'], ['src/server/tokens/jwt/verify.ts']),
  pending(
    [
      'src/gate/forward-headers.ts',
      'src/gate/jwks-verifier.ts',
      'src/gate/middleware.ts',
      'src/gate/proxy.ts',
      'src/gate/gate-runtime.ts',
      'src/gate/postgres/pg-gate-runtime.ts',
      'src/gate/postgres/pg-session.ts',
      'src/cli/commands/gate.ts',
    ],
    ['src/server/surfaces/data-plane-auth/data-plane-auth.ts'],
  ),
  pending(['src/client/arm-client.ts', 'src/cli/commands/env.ts'], ['src/server/directory/bootstrap.ts']),
  pending(['src/cli/commands/identity-usage.ts'], ['src/server/audit/usage.ts', 'src/server/audit/usage-impact.ts']),
];

export const settings = {
  'boundaries/elements': elements,
  'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import'],
  'import/resolver': {
    typescript: { project: ['tsconfig.json', 'portal/tsconfig.json'], noWarnOnMultipleProjects: true },
  },
};
