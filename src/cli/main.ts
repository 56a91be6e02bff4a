#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { installFatalMonitor } from '../kernel/fatal.js';
import { holdTickShape } from '../kernel/tick-shape.js';
import { CliError } from './cli-error.js';

// Before any command runs: long-lived processes (serve, agent, run) answer through Node's HTTP
// server, whose nextTick calls stay fast only while a tick entry lives (kernel/tick-shape.ts).
holdTickShape();

type Commands = () => Promise<Command[]>;

/**
 * Each top-level command's module, loaded only for the command that runs: `openmi run` and
 * `openmi agent` are long-lived, and the server's modules (a heap twice the agent's) made
 * every cached answer of theirs cost more CPU (docs/performance.md). In help order.
 */
const COMMANDS: ReadonlyArray<readonly [names: readonly string[], load: Commands]> = [
  [['serve'], async () => [(await import('./commands/serve.js')).serveCommand()]],
  [['gate'], async () => [(await import('./commands/gate.js')).gateCommand()]],
  [['env'], async () => [(await import('./commands/env.js')).envCommand()]],
  [['group'], async () => [(await import('./commands/group.js')).groupCommand()]],
  [['directory-group'], async () => [(await import('./commands/directory-group.js')).directoryGroupCommand()]],
  [['identity'], async () => [(await import('./commands/identity.js')).identityCommand()]],
  [['resource'], async () => [(await import('./commands/resource.js')).resourceCommand()]],
  [['keys'], async () => [(await import('./commands/keys.js')).keysCommand()]],
  [['acr'], async () => [(await import('./commands/acr.js')).acrCommand()]],
  [['agent'], async () => [(await import('./commands/agent.js')).agentCommand()]],
  [['run'], async () => [(await import('./commands/run.js')).runCommand()]],
  [['__ns-init'], async () => [(await import('./commands/ns-init.js')).nsInitCommand()]],
  [['role'], async () => [(await import('./commands/role.js')).roleCommand()]],
  [['activity'], async () => [(await import('./commands/activity.js')).activityCommand()]],
  [['signins'], async () => [(await import('./commands/signins.js')).signInsCommand()]],
  [['audit'], async () => [(await import('./commands/audit.js')).auditCommand()]],
  [['portal'], async () => [(await import('./commands/portal.js')).portalCommand()]],
  [
    ['backup', 'restore'],
    async () => {
      const m = await import('./commands/backup.js');
      return [m.backupCommand(), m.restoreCommand()];
    },
  ],
  [
    ['workload-token', 'federation-issuer'],
    async () => (await import('./commands/federation-issuer.js')).federationCommands(),
  ],
];

const HIDDEN = new Set(['__ns-init']);

/** The named command's module alone; every module for anything else (help, options, a mistyped name). */
async function commandsFor(name: string | undefined): Promise<Command[]> {
  const named = COMMANDS.find(([names]) => name !== undefined && names.includes(name));
  const out: Command[] = [];
  // One after another, in the order the static imports evaluated them.
  for (const [, load] of named ? [named] : COMMANDS) out.push(...(await load()));
  return out;
}

const program = new Command('openmi')
  .description('Managed identities for your own infrastructure, wire-compatible with Azure.')
  .version('0.1.0')
  .enablePositionalOptions()
  .exitOverride();

// An exit nothing planned for says why in a JSON line (kernel/fatal.ts); the name is one of ours, never argv as given.
const command = process.argv[2];
installFatalMonitor(COMMANDS.some(([names]) => names.includes(command ?? '')) ? command! : 'cli');

try {
  for (const c of await commandsFor(process.argv[2])) program.addCommand(c, { hidden: HIDDEN.has(c.name()) });
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
