import type { LogPage } from '../../api/activity-log.js';

/** Enough for a support case; the CLI (`openmi signins list --jsonl`) exports without limit. */
const EXPORT_MAX = 20_000;

/** Reads every page of a filtered log, as `openmi signins list --jsonl` does, and saves it as a .jsonl file. */
export async function exportJsonLines<T>(
  fetchPage: (next?: string) => Promise<LogPage<T>>,
  keep: (row: T) => boolean,
  fileName: string,
): Promise<number> {
  const rows: T[] = [];
  let next: string | undefined;
  do {
    const p = await fetchPage(next);
    rows.push(...p.value.filter(keep));
    next = p.nextLink;
  } while (next && rows.length < EXPORT_MAX);
  const blob = new Blob(
    rows.map((r) => `${JSON.stringify(r)}\n`),
    { type: 'application/x-ndjson' },
  );
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoke later: some browsers start the download asynchronously.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return rows.length;
}
