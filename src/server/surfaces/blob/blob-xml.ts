import type { BlobRecord, ContainerRecord } from '../../../store/storage.js';
import { xml } from './blob-errors.js';

export const httpDate = (ms: number): string => new Date(ms).toUTCString();
const HEAD = '<?xml version="1.0" encoding="utf-8"?>';
const el = (name: string, v: string | number | undefined): string =>
  v === undefined || v === '' ? `<${name} />` : `<${name}>${xml(String(v))}</${name}>`;

export function containersXml(
  endpoint: string,
  prefix: string,
  max: number,
  items: ContainerRecord[],
  next: string | undefined,
): string {
  const body = items
    .map(
      (c) =>
        `<Container>${el('Name', c.name)}<Properties>${el('Last-Modified', httpDate(c.createdAt))}${el('Etag', c.etag)}` +
        '<LeaseStatus>unlocked</LeaseStatus><LeaseState>available</LeaseState><HasImmutabilityPolicy>false</HasImmutabilityPolicy><HasLegalHold>false</HasLegalHold></Properties></Container>',
    )
    .join('');
  return `${HEAD}<EnumerationResults ServiceEndpoint="${xml(endpoint)}">${el('Prefix', prefix)}${el('MaxResults', max)}<Containers>${body}</Containers>${el('NextMarker', next)}</EnumerationResults>`;
}

function blobXml(b: BlobRecord): string {
  const p = b.properties;
  return (
    `<Blob>${el('Name', b.name)}<Properties>${el('Creation-Time', httpDate(b.createdAt))}${el('Last-Modified', httpDate(b.updatedAt))}${el('Etag', b.etag)}` +
    `${el('Content-Length', b.size)}${el('Content-Type', p['content-type'] ?? 'application/octet-stream')}${el('Content-Encoding', p['content-encoding'])}` +
    `${el('Content-Language', p['content-language'])}${el('Content-MD5', p['content-md5'])}${el('Cache-Control', p['cache-control'])}${el('Content-Disposition', p['content-disposition'])}` +
    '<BlobType>BlockBlob</BlobType><AccessTier>Hot</AccessTier><AccessTierInferred>true</AccessTierInferred><LeaseStatus>unlocked</LeaseStatus><LeaseState>available</LeaseState><ServerEncrypted>true</ServerEncrypted></Properties></Blob>'
  );
}

export interface BlobListing {
  prefix: string;
  delimiter: string;
  max: number;
  blobs: BlobRecord[];
  prefixes: string[];
  next: string | undefined;
}

export function blobsXml(endpoint: string, container: string, l: BlobListing): string {
  const prefixes = l.prefixes.map((p) => `<BlobPrefix>${el('Name', p)}</BlobPrefix>`).join('');
  return (
    `${HEAD}<EnumerationResults ServiceEndpoint="${xml(endpoint)}" ContainerName="${xml(container)}">${el('Prefix', l.prefix)}${el('MaxResults', l.max)}` +
    `${el('Delimiter', l.delimiter)}<Blobs>${l.blobs.map(blobXml).join('')}${prefixes}</Blobs>${el('NextMarker', l.next)}</EnumerationResults>`
  );
}

/** `<BlockList><Latest|Uncommitted|Committed>id</…>…</BlockList>` → ids in order. */
export function parseBlockList(text: string): string[] {
  const ids: string[] = [];
  for (const m of text.matchAll(/<(Latest|Uncommitted|Committed)>([^<]*)<\/\1>/g)) ids.push(m[2]!.trim());
  return ids;
}
