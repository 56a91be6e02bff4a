import type { AuditEntryRecord, AuditHeadRecord, AuditLogName } from './records.js';
import type { Page } from './store.js';

/** A row to append: the store numbers and chains it. */
export interface AuditAppend {
  at: number;
  /** Canonical JSON of the event. */
  data: string;
  /** Filter columns of the log (every column of the log, lower-cased; '' when absent). */
  keys: Record<string, string>;
}

/**
 * Newest first. `from`/`to` are inclusive epoch ms; `eq` compares filter columns exactly; `anyOf`
 * matches when one of its columns equals the value; `in`/`notIn` when a column's value is (not)
 * one of a list (an empty `in` list matches nothing).
 */
export interface AuditQuery {
  from?: number;
  to?: number;
  eq?: Record<string, string>;
  anyOf?: { columns: string[]; value: string };
  in?: Record<string, readonly string[]>;
  notIn?: Record<string, readonly string[]>;
}

/** Sign-ins of one identity from one calling resource with one result, aggregated (`count` sums `requests`, `last` is the latest `last_at`). Keys are lower-cased. */
export interface SignInUsageRow {
  identityKey: string;
  callingKey: string;
  result: string;
  first: number;
  last: number;
  count: number;
}

/** Which sign-ins to aggregate: one identity (exact key) or every identity whose key starts with a prefix. */
export interface SignInUsageQuery {
  identityKey?: string;
  identityPrefix?: string;
  from?: number;
}

/**
 * The hash-chained activity and sign-in logs. Filter columns: activity — subscription_key,
 * resource_group_key, resource_key, correlation_key, caller_key; signIns — principal_key,
 * client_key, identity_key, calling_key, result, correlation_key, requests (how many requests a
 * row stands for: '1' unless refusals were folded into it or an agent counted its cached answers
 * into it; defaults to '1' when left out), last_at (when the last of them arrived; defaults to `at`),
 * flow, error_code (as recorded, '' on success) and id_key (the row's id).
 */
export interface AuditRepo {
  /**
   * Appends in order to one lane of the log (lane_seq = its head + 1…, hashes chained) with fresh
   * global seqs, in one INSERT per chunk of rows. Call on the repos of a tx: the lane's head stays
   * locked until the transaction ends, and a concurrent transaction takes another lane instead of
   * waiting (PostgreSQL; SQLite has one writer and one lane).
   */
  append(log: AuditLogName, entries: readonly AuditAppend[]): Promise<void>;
  query(log: AuditLogName, q: AuditQuery, limit: number, after?: string): Promise<Page<AuditEntryRecord>>;
  /** Rows of every lane with seq > afterSeq in seq order. */
  scan(log: AuditLogName, afterSeq: number, limit: number): Promise<AuditEntryRecord[]>;
  /** Rows of one lane with lane_seq > afterLaneSeq in lane order, for verification. */
  scanLane(log: AuditLogName, lane: number, afterLaneSeq: number, limit: number): Promise<AuditEntryRecord[]>;
  /** Every lane's head, by lane. */
  heads(log: AuditLogName): Promise<AuditHeadRecord[]>;
  /** The first row (by lane, then lane_seq) whose lane is not in 0…lanes-1: a lane whose head is gone. */
  rowOutsideLanes(log: AuditLogName, lanes: number): Promise<AuditEntryRecord | undefined>;
  /** Sign-ins grouped by identity, calling resource and result (uses the identity + calling + time index). */
  signInUsage(q: SignInUsageQuery): Promise<SignInUsageRow[]>;
  /**
   * Deletes rows older than `before` (a lane_seq prefix of each lane) and moves each lane's
   * checkpoint to its last deleted row; call in a tx. Returns how many.
   */
  prune(log: AuditLogName, before: number): Promise<number>;
}
