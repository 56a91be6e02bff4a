import { useCallback, useEffect, useRef, useState } from 'react';
import type { LogPage } from '../../api/activity-log.js';

export interface PagedLog<T> {
  rows: T[];
  /** How many records the server returned (before any filtering done in the browser). */
  scanned: number;
  hasMore: boolean;
  loading: boolean;
  error: unknown;
  loadMore: () => void;
  reload: () => void;
}

/** With a browser-side filter, keep fetching pages until this many rows match (or pages run out). */
const WANT = 50;
const MAX_PAGES_PER_CLICK = 10;

/**
 * A newest-first log read page by page. `keep` filters in the browser what the server cannot;
 * then a page may hold few matches, so one load fetches several pages to fill the table.
 */
export function usePagedLog<T>(
  fetchPage: (nextLink?: string) => Promise<LogPage<T>>,
  key: string,
  keep: (row: T) => boolean,
): PagedLog<T> {
  const [state, setState] = useState<{
    rows: T[];
    scanned: number;
    next?: string | undefined;
    done: boolean;
    loading: boolean;
    error?: unknown;
  }>({ rows: [], scanned: 0, done: false, loading: true });
  const seq = useRef(0);
  const [tick, setTick] = useState(0);
  // Latest closures: a reload re-resolves relative ranges ("Last hour" ends now, not at first load).
  const latest = useRef({ fetchPage, keep });
  latest.current = { fetchPage, keep };

  const run = useCallback(async (start: { rows: T[]; scanned: number; next?: string | undefined }, mine: number) => {
    let { rows, scanned, next } = start;
    let found = 0;
    try {
      for (let pages = 0; pages < MAX_PAGES_PER_CLICK; pages++) {
        const p = await latest.current.fetchPage(next);
        const kept = p.value.filter(latest.current.keep);
        rows = [...rows, ...kept];
        scanned += p.value.length;
        found += kept.length;
        next = p.nextLink;
        if (!next || found >= WANT) break;
      }
      if (mine === seq.current) setState({ rows, scanned, next, done: !next, loading: false });
    } catch (error) {
      if (mine === seq.current) setState((s) => ({ ...s, loading: false, error }));
    }
  }, []);

  useEffect(() => {
    const mine = ++seq.current;
    setState({ rows: [], scanned: 0, done: false, loading: true });
    void run({ rows: [], scanned: 0 }, mine);
  }, [key, tick, run]);

  const loadMore = () => {
    if (state.loading || !state.next) return;
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    void run(state, mine);
  };
  return {
    rows: state.rows,
    scanned: state.scanned,
    hasMore: !state.done && !!state.next,
    loading: state.loading,
    error: state.error,
    loadMore,
    reload: () => setTick((t) => t + 1),
  };
}
