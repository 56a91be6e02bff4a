/**
 * The status a PUT that creates a resource answers, per type, as its REST spec declares it (and as
 * Debian's Python SDK and the Azure CLI check it: a status outside the spec's list is an error to
 * them). Storage accounts and web apps declare 200/202, never 201; most others 200/201. A replacing
 * PUT and a PATCH answer 200, a DELETE 200 or (nothing to delete) 204, for every type here.
 *
 * openmi finishes every write before it answers, with provisioningState "Succeeded" in the body,
 * so no answer is 202 and none carries Azure-AsyncOperation/Location: an ARM client (core-lro,
 * azure-mgmt-core's ARMPolling) treats a 200/201 with a terminal provisioningState as a finished
 * long-running operation and does not poll.
 */
const CREATED_200 = new Set([
  'microsoft.storage/storageaccounts',
  'microsoft.web/sites',
  'microsoft.hybridcompute/machines',
]);

export function createdStatus(resourceType: string): 200 | 201 {
  return CREATED_200.has(resourceType.toLowerCase()) ? 200 : 201;
}

/** The `properties` block with the provisioning state every served resource reports. */
export function withSucceeded(properties: unknown): Record<string, unknown> {
  const p =
    typeof properties === 'object' && properties !== null && !Array.isArray(properties)
      ? (properties as Record<string, unknown>)
      : {};
  return { ...p, provisioningState: 'Succeeded' };
}
