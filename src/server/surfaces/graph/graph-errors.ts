import { DomainError } from '../../../kernel/errors.js';

/** The Microsoft Graph error codes this slice sends, with their status (https://learn.microsoft.com/graph/errors). */
const GRAPH_ERROR_STATUS = {
  BadRequest: 400,
  Request_BadRequest: 400,
  Request_UnsupportedQuery: 400,
  Authorization_RequestDenied: 403,
  Request_ResourceNotFound: 404,
  generalException: 500,
} as const;

export type GraphErrorCode = keyof typeof GRAPH_ERROR_STATUS;

export class GraphError extends Error {
  readonly status: number;
  constructor(
    readonly code: GraphErrorCode,
    message: string,
  ) {
    super(message);
    this.status = GRAPH_ERROR_STATUS[code];
  }
}

/** Domain refusals in Graph's words: Graph answers a duplicate member or a bad body with 400 Request_BadRequest. */
const BY_KIND: Partial<Record<DomainError['kind'], GraphErrorCode>> = {
  invalid: 'Request_BadRequest',
  conflict: 'Request_BadRequest',
  not_found: 'Request_ResourceNotFound',
  forbidden: 'Authorization_RequestDenied',
};

export function graphErrorOf(err: unknown): GraphError | undefined {
  if (err instanceof GraphError) return err;
  if (err instanceof DomainError && BY_KIND[err.kind]) return new GraphError(BY_KIND[err.kind]!, err.message);
  return undefined;
}

export const notFoundError = (id: string): GraphError =>
  new GraphError(
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
