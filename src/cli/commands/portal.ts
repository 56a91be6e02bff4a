import { Command } from 'commander';
import { clientFor, type ClientOptions } from '../command-kit.js';
import { outputOption, renderJson } from '../output.js';

interface LoginLinkWire {
  url: string;
  expiresOn: string;
  principalId: string;
}

const LOGIN_LINKS = '/providers/OpenMI.Portal/loginLinks?api-version=2025-01-01';

/** `openmi portal`: a one-time link that signs the admin in to the web portal. */
export function portalCommand(): Command {
  return new Command('portal')
    .description('Print a one-time link that signs you in to the web portal (valid for 5 minutes, usable once).')
    .option('--data-dir <dir>', 'data directory of the openmi installation (default ./.openmi)')
    .addOption(outputOption())
    .action(async (o: ClientOptions) => {
      const link = await clientFor(o).request<LoginLinkWire>('POST', LOGIN_LINKS);
      process.stdout.write(
        o.output === 'json'
          ? renderJson(link)
          : `Open this link within 5 minutes; it signs you in once:\n${link.url}\n`,
      );
    });
}
