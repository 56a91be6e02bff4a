import { Command } from 'commander';
import { namespaceInit } from '../ns/inside.js';

/** Hidden: the process `openmi run --transparent` starts inside its namespaces (../ns/inside.ts). */
export function nsInitCommand(): Command {
  return new Command('__ns-init')
    .description('internal: set up the namespace of openmi run --transparent and run its command')
    .argument('<plan>', 'the plan file the outer openmi run wrote')
    .action(async (plan: string) => {
      process.exitCode = await namespaceInit(plan);
    });
}
