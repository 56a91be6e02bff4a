import { checkOrder, type Migration } from './migration.js';
export { NewerSchemaError, refuseNewerSchema } from './migration.js';
import { migration as postgres0001 } from './postgres/0001-init.js';
import { migration as postgres0002 } from './postgres/0002-identities.js';
import { migration as postgres0003 } from './postgres/0003-agents.js';
import { migration as postgres0004 } from './postgres/0004-role-definitions.js';
import { migration as postgres0005 } from './postgres/0005-audit.js';
import { migration as postgres0006 } from './postgres/0006-key-vault.js';
import { migration as postgres0007 } from './postgres/0007-storage.js';
import { migration as postgres0008 } from './postgres/0008-login-codes.js';
import { migration as postgres0009 } from './postgres/0009-agent-assertion-jtis.js';
import { migration as postgres0010 } from './postgres/0010-sign-in-requests.js';
import { migration as postgres0011 } from './postgres/0011-sign-in-last-at.js';
import { migration as postgres0012 } from './postgres/0012-sign-in-graph-keys.js';
import { migration as postgres0013 } from './postgres/0013-audit-lanes.js';
import { migration as postgres0014 } from './postgres/0014-groups.js';
import { migration as postgres0015 } from './postgres/0015-permission-usage.js';
import { migration as postgres0016 } from './postgres/0016-datalake.js';
import { migration as postgres0017 } from './postgres/0017-queues.js';
import { migration as postgres0018 } from './postgres/0018-tables.js';
import { migration as postgres0019 } from './postgres/0019-key-vault-keys.js';
import { migration as postgres0020 } from './postgres/0020-container-registries.js';
import { migration as postgres0021 } from './postgres/0021-key-rotation-policies.js';
import { migration as sqlite0001 } from './sqlite/0001-init.js';
import { migration as sqlite0002 } from './sqlite/0002-identities.js';
import { migration as sqlite0003 } from './sqlite/0003-agents.js';
import { migration as sqlite0004 } from './sqlite/0004-role-definitions.js';
import { migration as sqlite0005 } from './sqlite/0005-audit.js';
import { migration as sqlite0006 } from './sqlite/0006-key-vault.js';
import { migration as sqlite0007 } from './sqlite/0007-storage.js';
import { migration as sqlite0008 } from './sqlite/0008-login-codes.js';
import { migration as sqlite0009 } from './sqlite/0009-agent-assertion-jtis.js';
import { migration as sqlite0010 } from './sqlite/0010-sign-in-requests.js';
import { migration as sqlite0011 } from './sqlite/0011-sign-in-last-at.js';
import { migration as sqlite0012 } from './sqlite/0012-sign-in-graph-keys.js';
import { migration as sqlite0013 } from './sqlite/0013-audit-lanes.js';
import { migration as sqlite0014 } from './sqlite/0014-groups.js';
import { migration as sqlite0015 } from './sqlite/0015-permission-usage.js';
import { migration as sqlite0016 } from './sqlite/0016-datalake.js';
import { migration as sqlite0017 } from './sqlite/0017-queues.js';
import { migration as sqlite0018 } from './sqlite/0018-tables.js';
import { migration as sqlite0019 } from './sqlite/0019-key-vault-keys.js';
import { migration as sqlite0020 } from './sqlite/0020-container-registries.js';
import { migration as sqlite0021 } from './sqlite/0021-key-rotation-policies.js';

export type { Migration } from './migration.js';

/** Append new steps at the end; never edit or reorder a released one. */
export const sqliteMigrations: readonly Migration[] = checkOrder([
  sqlite0001,
  sqlite0002,
  sqlite0003,
  sqlite0004,
  sqlite0005,
  sqlite0006,
  sqlite0007,
  sqlite0008,
  sqlite0009,
  sqlite0010,
  sqlite0011,
  sqlite0012,
  sqlite0013,
  sqlite0014,
  sqlite0015,
  sqlite0016,
  sqlite0017,
  sqlite0018,
  sqlite0019,
  sqlite0020,
  sqlite0021,
]);
export const postgresMigrations: readonly Migration[] = checkOrder([
  postgres0001,
  postgres0002,
  postgres0003,
  postgres0004,
  postgres0005,
  postgres0006,
  postgres0007,
  postgres0008,
  postgres0009,
  postgres0010,
  postgres0011,
  postgres0012,
  postgres0013,
  postgres0014,
  postgres0015,
  postgres0016,
  postgres0017,
  postgres0018,
  postgres0019,
  postgres0020,
  postgres0021,
]);
