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
export const COMPUTE_TYPES: ReadonlyArray<{ type: string; label: string; apiVersion: string }> = [
  { type: 'Microsoft.Compute/virtualMachines', label: 'Virtual machine', apiVersion: '2024-07-01' },
  { type: 'Microsoft.Compute/virtualMachineScaleSets', label: 'Virtual machine scale set', apiVersion: '2024-07-01' },
  { type: 'Microsoft.Web/sites', label: 'App Service / Function app', apiVersion: '2023-12-01' },
  { type: 'Microsoft.ContainerInstance/containerGroups', label: 'Container group', apiVersion: '2023-05-01' },
  { type: 'Microsoft.App/containerApps', label: 'Container app', apiVersion: '2024-03-01' },
  { type: 'Microsoft.HybridCompute/machines', label: 'Arc-style machine', apiVersion: '2024-07-10' },
];

export function computeType(type: string): { type: string; label: string; apiVersion: string } | undefined {
  return COMPUTE_TYPES.find((t) => t.type.toLowerCase() === type.toLowerCase());
}
