import { Command } from 'commander';
import { clientFor, type ClientOptions } from '../command-kit.js';
import { outputOption, print, type Column } from '../output.js';

interface SigningKeyWire {
  kid: string;
  status: string;
  createdAt: string;
  activatedAt: string | null;
  retiredAt: string | null;
  publishUntil: string | null;
}

interface RotationWire {
  retiredKid: string;
  currentKid: string;
  nextKid: string;
}

const COLLECTION = '/providers/OpenMI.Tokens/signingKeys';
const API = 'api-version=2025-01-01';

const KEY_COLUMNS: Column<SigningKeyWire>[] = [
  { header: 'kid', get: (k) => k.kid },
  { header: 'status', get: (k) => k.status },
  { header: 'createdAt', get: (k) => k.createdAt },
  { header: 'activatedAt', get: (k) => k.activatedAt },
  { header: 'retiredAt', get: (k) => k.retiredAt },
  { header: 'publishUntil', get: (k) => k.publishUntil },
];

const ROTATION_COLUMNS: Column<RotationWire>[] = [
  { header: 'retiredKid', get: (r) => r.retiredKid },
  { header: 'currentKid', get: (r) => r.currentKid },
  { header: 'nextKid', get: (r) => r.nextKid },
];

/** Signing keys are tenant-wide, so these commands take no --subscription (unlike the resource commands). */
function leaf(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .option('--data-dir <dir>', 'data directory of the openmi installation (default ./.openmi)')
    .addOption(outputOption());
}

/** `openmi keys list|rotate`: the token signing keys, through the ARM API like every other command. */
export function keysCommand(): Command {
  const list = leaf('list', 'List the token signing keys (next, current and retired) without key material.').action(
    async (o: ClientOptions) => {
      const { value } = await clientFor(o).request<{ value: SigningKeyWire[] }>('GET', `${COLLECTION}?${API}`);
      print(o.output, value, value, KEY_COLUMNS);
    },
  );
  const rotate = leaf(
    'rotate',
    'Rotate the signing keys: the published next key starts signing, the current one is retired but stays published until its tokens expire.',
  ).action(async (o: ClientOptions) => {
    const r = await clientFor(o).request<RotationWire>('POST', `${COLLECTION}/rotate?${API}`);
    print(o.output, r, [r], ROTATION_COLUMNS);
  });
  return new Command('keys').description('Token signing keys.').addCommand(list).addCommand(rotate);
}
