/**
 * Locations openmi accepts. `local` is openmi's own; the Azure region names are accepted so that
 * templates and scripts written for Azure run unchanged (docs/wire/arm.md).
 */
export const LOCATIONS: readonly string[] = [
  'local',
  'eastus',
  'eastus2',
  'westus',
  'westus2',
  'westus3',
  'centralus',
  'northcentralus',
  'southcentralus',
  'westcentralus',
  'canadacentral',
  'canadaeast',
  'brazilsouth',
  'northeurope',
  'westeurope',
  'uksouth',
  'ukwest',
  'francecentral',
  'germanywestcentral',
  'switzerlandnorth',
  'norwayeast',
  'swedencentral',
  'polandcentral',
  'italynorth',
  'spaincentral',
  'eastasia',
  'southeastasia',
  'japaneast',
  'japanwest',
  'koreacentral',
  'australiaeast',
  'australiasoutheast',
  'centralindia',
  'southindia',
  'uaenorth',
  'southafricanorth',
  'qatarcentral',
  'israelcentral',
  'mexicocentral',
];

const KNOWN = new Set(LOCATIONS);

/** ARM returns locations lower-cased without spaces ("West Europe" → "westeurope"). */
export function normalizeLocation(location: string): string {
  return location.replace(/\s+/g, '').toLowerCase();
}

export function isKnownLocation(location: string): boolean {
  return KNOWN.has(normalizeLocation(location));
}
