import { StorageError } from '../blob/blob-errors.js';

const Q = 'Microsoft.Storage/storageAccounts/queueServices/queues';
const M = `${Q}/messages`;

export type QueueOpName =
  | 'ListQueues'
  | 'CreateQueue'
  | 'DeleteQueue'
  | 'GetQueueMetadata'
  | 'SetQueueMetadata'
  | 'PutMessage'
  | 'PeekMessages'
  | 'GetMessages'
  | 'ClearMessages'
  | 'DeleteMessage'
  | 'UpdateMessage';

export interface QueueOperation {
  name: QueueOpName;
  queue?: string;
  messageId?: string;
  /** Any one of these suffices; queue operations are *actions*, message operations *data actions*. */
  actions: readonly string[];
  kind: 'action' | 'dataAction';
}

// Azure's data actions per operation (learn.microsoft.com/rest/api/storageservices/authorize-with-azure-active-directory,
// "Permissions for calling data operations"): Put Message takes messages/add/action (Message Sender)
// or messages/write (Contributor); Get Messages and Delete Message messages/process/action, which
// Message Processor holds, Delete also messages/delete.
const queueOp = (name: QueueOpName, verb: 'read' | 'write' | 'delete') => ({
  name,
  actions: [`${Q}/${verb}`],
  kind: 'action' as const,
});
const messageOp = (name: QueueOpName, ...actions: string[]) => ({ name, actions, kind: 'dataAction' as const });

const unsupported = (what: string) =>
  new StorageError('UnsupportedHttpVerb', `The operation '${what}' is not supported by openmi's queue service.`);

/** Classifies a request from its method, path depth and `comp`/`peekonly` (Queue service REST API). */
export function classifyQueue(method: string, segments: readonly string[], q: URLSearchParams): QueueOperation {
  const comp = q.get('comp');
  const [queue, messages, messageId, ...rest] = segments;
  if (queue === undefined) {
    if (method === 'GET' && comp === 'list') return queueOp('ListQueues', 'read');
    throw unsupported(`${method} service ${comp ?? ''}`);
  }
  if (messages === undefined) return { ...queueLevel(method, comp), queue };
  if (messages !== 'messages' || rest.length > 0) throw unsupported(`${method} ${segments.join('/')}`);
  if (messageId === undefined) return { ...messagesLevel(method, q), queue };
  if (method === 'DELETE')
    return { ...messageOp('DeleteMessage', `${M}/delete`, `${M}/process/action`), queue, messageId };
  if (method === 'PUT') return { ...messageOp('UpdateMessage', `${M}/write`), queue, messageId };
  throw unsupported(`${method} message`);
}

function queueLevel(method: string, comp: string | null): Omit<QueueOperation, 'queue'> {
  if (comp === 'metadata' && (method === 'GET' || method === 'HEAD')) return queueOp('GetQueueMetadata', 'read');
  if (comp === 'metadata' && method === 'PUT') return queueOp('SetQueueMetadata', 'write');
  if (comp !== null) throw unsupported(`${method} queue comp=${comp}`);
  if (method === 'PUT') return queueOp('CreateQueue', 'write');
  if (method === 'DELETE') return queueOp('DeleteQueue', 'delete');
  throw unsupported(`${method} queue`);
}

function messagesLevel(method: string, q: URLSearchParams): Omit<QueueOperation, 'queue'> {
  if (method === 'POST') return messageOp('PutMessage', `${M}/add/action`, `${M}/write`);
  if (method === 'GET' && q.get('peekonly') === 'true') return messageOp('PeekMessages', `${M}/read`);
  if (method === 'GET') return messageOp('GetMessages', `${M}/process/action`);
  if (method === 'DELETE') return messageOp('ClearMessages', `${M}/delete`);
  throw unsupported(`${method} messages`);
}
