import { ArmError } from './arm-errors.js';

const SHAPE = /^\d{4}-\d{2}-\d{2}(-(preview|beta|alpha|privatepreview))?$/i;

/**
 * Checks `api-version` against the versions a resource type supports (docs/wire/arm.md#api-version).
 * Returns the version as given.
 */
export function requireApiVersion(query: URLSearchParams, resourceType: string, supported: readonly string[]): string {
  const v = query.get('api-version');
  if (v === null || v === '') {
    throw new ArmError(
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    );
  }
  if (!SHAPE.test(v)) {
    throw new ArmError(
      'InvalidApiVersionParameter',
      `The api-version '${v}' is invalid. The supported versions are '${supported.join(',')}'.`,
    );
  }
  if (!supported.some((s) => s.toLowerCase() === v.toLowerCase())) {
    throw new ArmError(
      'NoRegisteredProviderFound',
      `No registered resource provider found for location 'local' and API version '${v}' for type '${resourceType}'. The supported api-versions are '${supported.join(', ')}'. The supported locations are 'local'.`,
    );
  }
  return v;
}
