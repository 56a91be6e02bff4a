#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { serveCommand } from './commands/serve.js';
import { envCommand } from './commands/env.js';
import { groupCommand } from './commands/group.js';
import { directoryGroupCommand } from './commands/directory-group.js';
import { identityCommand } from './commands/identity.js';
import { resourceCommand } from './commands/resource.js';
import { keysCommand } from './commands/keys.js';
import { acrCommand } from './commands/acr.js';
import { agentCommand } from './commands/agent.js';
import { runCommand } from './commands/run.js';
import { nsInitCommand } from './commands/ns-init.js';
import { gateCommand } from './commands/gate.js';
import { federationCommands } from './commands/federation-issuer.js';
import { roleCommand } from './commands/role.js';
import { activityCommand } from './commands/activity.js';
import { signInsCommand } from './commands/signins.js';
import { auditCommand } from './commands/audit.js';
import { portalCommand } from './commands/portal.js';
import { backupCommand, restoreCommand } from './commands/backup.js';
import { CliError } from './cli-error.js';

const program = new Command('openmi')
  .description('Managed identities for your own infrastructure, wire-compatible with Azure.')
  .version('0.1.0')
  .enablePositionalOptions()
  .exitOverride();

program.addCommand(serveCommand());
program.addCommand(gateCommand());
program.addCommand(envCommand());
program.addCommand(groupCommand());
program.addCommand(directoryGroupCommand());
program.addCommand(identityCommand());
program.addCommand(resourceCommand());
program.addCommand(keysCommand());
program.addCommand(acrCommand());
program.addCommand(agentCommand());
program.addCommand(runCommand());
program.addCommand(nsInitCommand(), { hidden: true });
program.addCommand(roleCommand());
program.addCommand(activityCommand());
program.addCommand(signInsCommand());
program.addCommand(auditCommand());
program.addCommand(portalCommand());
program.addCommand(backupCommand());
program.addCommand(restoreCommand());
for (const c of federationCommands()) program.addCommand(c);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode);
  if (e instanceof CliError) {
    process.stderr.write(`openmi: ${e.message}\n`);
    process.exit(e.exitCode);
  }
  process.stderr.write(`openmi: ${(e as Error).message}\n`);
  process.exit(1);
}
