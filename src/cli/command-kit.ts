import { InvalidArgumentError, type Command } from 'commander';
import { createArmClient, type ArmClient } from '../client/arm-client.js';
import { CliError } from './cli-error.js';
import { outputOption, type OutputFormat } from './output.js';

/** Options every ARM command accepts. */
export interface ClientOptions {
  dataDir?: string;
  subscription?: string;
  output: OutputFormat;
}

/** Adds the options every ARM command shares: where the installation is, which subscription, how to print. */
export function withClientOptions(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'data directory of the openmi installation (default ./.openmi)')
    .option('--subscription <id>', 'subscription id (default: the one in admin-credentials.json)')
    .addOption(outputOption());
}

export function clientFor(o: ClientOptions): ArmClient {
  return createArmClient({ dataDir: o.dataDir, subscription: o.subscription });
}

/** `k=v` pairs as ARM tags. A bare `k` is a tag with an empty value, as in `az`; '' alone adds nothing (so `--tags ''` clears). */
export function parseTags(pairs: readonly string[] | undefined): Record<string, string> | undefined {
  if (pairs === undefined) return undefined;
  const tags: Record<string, string> = {};
  for (const pair of pairs) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (!key) throw new CliError(`tag '${pair}' has no name; write tags as name=value`, 2);
    tags[key] = eq < 0 ? '' : pair.slice(eq + 1);
  }
  return tags;
}

/** A commander argument parser for whole numbers ≥ 1. */
export function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1)
    throw new InvalidArgumentError('use a whole number of 1 or more.');
  return n;
}

/** Parses a `--properties` value: a JSON object. */
export function parseJsonObject(text: string, flag: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${flag} is not valid JSON: ${(e as Error).message}`, 2);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new CliError(`${flag} must be a JSON object, such as '{"key":"value"}'`, 2);
  return v as Record<string, unknown>;
}
