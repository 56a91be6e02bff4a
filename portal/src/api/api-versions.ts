/**
 * The api-versions the portal sends: the same ones the official clients send, so the portal uses
 * exactly the public wire an Azure SDK would (no private back door).
 */
export const API = {
  resources: '2021-04-01',
  msi: '2024-11-30',
  /** listAssociatedResources exists only in preview api-versions. */
  msiPreview: '2025-01-31-preview',
  authorization: '2022-04-01',
  insights: '2015-04-01',
  openmi: '2025-01-01',
} as const;

/** The compute resource types openmi hosts, with the api-version each is called with. */
export { COMPUTE_TYPES, computeType } from '../../../src/wire/compute-types.js';
