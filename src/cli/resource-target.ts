import { Command } from 'commander';
import { withApiVersion } from './arm-paths.js';
import { withClientOptions, type ClientOptions } from './command-kit.js';
import { resourcePath, resourceType } from './resource-types.js';
import { COMPUTE_TYPES } from '../wire/compute-types.js';

export interface ResourceTarget extends ClientOptions {
  type: string;
  resourceGroup: string;
  name: string;
}

export const typesHelp = () => `resource type: ${COMPUTE_TYPES.map((t) => t.type).join(', ')}`;

/** A leaf command addressing one resource by type, group and name. */
export function resourceLeaf(verb: string, description: string): Command {
  return withClientOptions(
    new Command(verb)
      .description(description)
      .requiredOption('--type <type>', typesHelp())
      .requiredOption('-g, --resource-group <name>', 'resource group')
      .requiredOption('-n, --name <name>', 'resource name'),
  );
}

/** The resource's path with the api-version its type takes. */
export function resourceUrl(o: ResourceTarget, subscriptionId: string): string {
  const t = resourceType(o.type);
  return withApiVersion(resourcePath(subscriptionId, o.resourceGroup, t.type, o.name), t.apiVersion);
}
