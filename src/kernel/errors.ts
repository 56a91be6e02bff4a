import type { DomainErrorCode } from './error-codes.js';

/**
 * The one error type domain code throws. Each wire surface (ARM, OAuth, IMDS, data planes)
 * maps `kind` to its own envelope in exactly one place; domain code never builds HTTP bodies.
 */
export type DomainErrorKind =
  'not_found' | 'conflict' | 'invalid' | 'unauthenticated' | 'forbidden' | 'precondition_failed' | 'unavailable';

export interface DomainErrorFields {
  /** A surface-specific code to use instead of the default for the kind (e.g. `InvalidResourceName`). */
  code?: DomainErrorCode;
  /** What the error is about: a parameter, property or resource id. */
  target?: string;
  /** Extra structured detail; never secrets. */
  details?: Record<string, unknown>;
}

export class DomainError extends Error {
  readonly kind: DomainErrorKind;
  readonly code: DomainErrorCode | undefined;
  readonly target: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(kind: DomainErrorKind, message: string, fields: DomainErrorFields = {}) {
    super(message);
    this.name = 'DomainError';
    this.kind = kind;
    this.code = fields.code;
    this.target = fields.target;
    this.details = fields.details;
  }
}

export const notFound = (message: string, fields?: DomainErrorFields) => new DomainError('not_found', message, fields);
export const conflict = (message: string, fields?: DomainErrorFields) => new DomainError('conflict', message, fields);
export const invalid = (message: string, fields?: DomainErrorFields) => new DomainError('invalid', message, fields);

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
