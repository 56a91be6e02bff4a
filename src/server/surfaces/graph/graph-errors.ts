/** The Microsoft Graph error codes this slice sends, with their status (https://learn.microsoft.com/graph/errors). */
const GRAPH_ERROR_STATUS = {
  BadRequest: 400,
  Request_BadRequest: 400,
  Request_UnsupportedQuery: 400,
  Authorization_RequestDenied: 403,
  Request_ResourceNotFound: 404,
  generalException: 500,
} as const;

/** An error the Graph surface answers in Graph's envelope (graph-surface.ts renders it). */
export class GraphError extends Error {
  readonly status: number;
  constructor(
    readonly code: keyof typeof GRAPH_ERROR_STATUS,
    message: string,
  ) {
    super(message);
    this.status = GRAPH_ERROR_STATUS[code];
  }
}
