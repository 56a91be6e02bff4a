import type { ReactNode } from 'react';
import { DataTable, type Column } from '../../components/data-table.js';
import { Loading } from '../../components/feedback.js';
import type { PagedLog } from './use-paged-log.js';

interface Props<T> {
  log: PagedLog<T>;
  /** Singular and plural of what a row is, e.g. ['event', 'events']. */
  noun: readonly [string, string];
  caption: string;
  columns: Column<T>[];
  rowKey: (row: T) => string;
  empty: ReactNode;
}

/** A log's rows, newest first: a live count, the table (or its empty state) and "Load more". */
export function PagedLogTable<T>({ log, noun, caption, columns, rowKey, empty }: Props<T>) {
  const n = log.rows.length;
  return (
    <>
      <p className="muted" role="status" aria-live="polite">
        {log.loading
          ? ''
          : `${n} ${n === 1 ? noun[0] : noun[1]} shown, newest first${log.hasMore ? '; more are available' : ''}.`}
      </p>
      {log.loading && n === 0 ? (
        <Loading what={noun[1]} />
      ) : log.error && n === 0 ? null : (
        <DataTable caption={caption} columns={columns} rows={log.rows} rowKey={rowKey} empty={empty} />
      )}
      {log.hasMore ? (
        <div className="load-more">
          <button type="button" onClick={log.loadMore} disabled={log.loading}>
            {log.loading ? 'Loading…' : 'Load more'}
          </button>
        </div>
      ) : null}
    </>
  );
}
