/**
 * The checkpointer's thread (wal-checkpointer.ts): its own connection to the database, copying
 * committed WAL frames into the database file every `intervalMs`, so the server's event loop
 * neither copies pages nor waits for the two fsyncs a checkpoint makes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface CheckpointWorkerData {
  path: string;
  intervalMs: number;
}

/** Rounds of catching up after a checkpoint that commits made meanwhile left short. */
const CATCH_UP_ROUNDS = 8;
const CATCH_UP_PAUSE_MS = 2;

interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const { path, intervalMs } = workerData as CheckpointWorkerData;
const db = new Database(path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
// A checkpoint syncs the WAL before copying and the database after, whatever this says
// (https://www.sqlite.org/pragma.html#pragma_synchronous); the connection never writes rows.
db.pragma('synchronous = NORMAL');
db.pragma('wal_autocheckpoint = 0');

/**
 * PASSIVE never blocks the server's writer or readers. Once every frame is copied, the server's
 * next write starts the WAL over (https://www.sqlite.org/wal.html#ckpt), so the file stays
 * small; commits that land during a checkpoint are caught up at once while they are few.
 */
async function checkpoint(): Promise<CheckpointResult> {
  let r = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[];
  for (let i = 0; i < CATCH_UP_ROUNDS && r[0]!.checkpointed < r[0]!.log; i++) {
    await sleep(CATCH_UP_PAUSE_MS);
    r = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointResult[];
  }
  return r[0]!;
}

let stopping = false;
parentPort!.on('message', (m: unknown) => {
  if (m === 'stop') stopping = true;
});

async function loop(): Promise<void> {
  while (!stopping) {
    const r = await checkpoint();
    parentPort!.postMessage({ t: 'checkpointed', ...r });
    const until = Date.now() + intervalMs;
    while (!stopping && Date.now() < until) await sleep(Math.min(50, intervalMs));
  }
  db.close();
  // The message listener would keep this thread alive; the owner waits for its exit.
  parentPort!.close();
}

loop().catch((err: unknown) => {
  parentPort!.postMessage({ t: 'failed', message: (err as Error).message });
  process.exit(1);
});
