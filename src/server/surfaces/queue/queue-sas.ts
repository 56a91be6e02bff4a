import { field, type SasNeed } from '../blob/sas-verify.js';
import type { QueueOperation, QueueOpName } from './queue-operations.js';

/**
 * Account SAS resource type and letters per operation, and the queue service SAS letters where a
 * service SAS may be used (r read metadata and peek, a add, u update, p process: get and delete;
 * https://learn.microsoft.com/rest/api/storageservices/create-account-sas and create-service-sas).
 * A queue service SAS cannot create, delete or list queues, nor set metadata.
 */
const TABLE: Record<QueueOpName, { srt: 's' | 'c' | 'o'; perms: string; service?: string }> = {
  ListQueues: { srt: 's', perms: 'l' },
  CreateQueue: { srt: 'c', perms: 'wc' },
  DeleteQueue: { srt: 'c', perms: 'd' },
  GetQueueMetadata: { srt: 'c', perms: 'r', service: 'r' },
  SetQueueMetadata: { srt: 'c', perms: 'w' },
  PutMessage: { srt: 'o', perms: 'a', service: 'a' },
  PeekMessages: { srt: 'o', perms: 'r', service: 'r' },
  GetMessages: { srt: 'o', perms: 'p', service: 'p' },
  DeleteMessage: { srt: 'o', perms: 'p', service: 'p' },
  ClearMessages: { srt: 'o', perms: 'd', service: 'p' },
  UpdateMessage: { srt: 'o', perms: 'u', service: 'u' },
};

/** Queue service SAS string-to-sign (2015-04-05 and later): no signed resource, no response headers. */
const queueStringToSign = (q: URLSearchParams, resource: string): string =>
  [
    field(q, 'sp'),
    field(q, 'st'),
    field(q, 'se'),
    resource,
    field(q, 'si'),
    field(q, 'sip'),
    field(q, 'spr'),
    field(q, 'sv'),
  ].join('\n');

export function queueSasNeed(op: QueueOperation, account: string): SasNeed {
  const row = TABLE[op.name];
  const resource = `/queue/${account}/${op.queue ?? ''}`;
  return {
    service: 'q',
    srt: row.srt,
    perms: [row.perms],
    serviceSas:
      row.service && op.queue
        ? { stringToSign: (q) => queueStringToSign(q, resource), perms: [row.service] }
        : 'This operation needs an account SAS.',
  };
}
