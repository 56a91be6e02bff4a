import type { GloballyNamedResourceRepo } from './store.js';

/**
 * A `Microsoft.ContainerRegistry/registries` resource. Registry names are global (each is a login
 * server's host label), so `name` is unique. `body` holds the request's other top-level members
 * (`sku`, `properties`) as given.
 */
export interface ContainerRegistryRecord {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  body: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

/** `update` replaces tags, body and updatedAt. */
export type ContainerRegistryRepo = GloballyNamedResourceRepo<ContainerRegistryRecord>;
