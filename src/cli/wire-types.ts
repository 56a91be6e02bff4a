import type { IdentityBlock } from './identity-block.js';

/** The parts of ARM response bodies the CLI reads. Everything else is passed through to `-o json`. */

export interface IdentityResource {
  id: string;
  name: string;
  type: string;
  location: string;
  tags?: Record<string, string>;
  properties?: { tenantId?: string; principalId?: string; clientId?: string; isolationScope?: string };
}

export interface FederatedCredential {
  id: string;
  name: string;
  properties?: { issuer?: string; subject?: string; audiences?: string[] };
}

export interface TrackedResource {
  id: string;
  name: string;
  type: string;
  location?: string;
  tags?: Record<string, string>;
  identity?: IdentityBlock;
  properties?: Record<string, unknown>;
}

export interface AssociatedResource {
  id: string;
  name: string;
  type: string;
  resourceGroup: string;
  subscriptionId?: string;
  subscriptionDisplayName?: string;
}
