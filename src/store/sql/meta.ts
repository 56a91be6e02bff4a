import type { MetaRepo } from '../store.js';
import type { Executor } from './executor.js';

export class SqlMetaRepo implements MetaRepo {
  constructor(private readonly db: Executor) {}

  async get(key: string): Promise<string | undefined> {
    const row = await this.db.get<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key]);
    return row?.value;
  }

  async setIfAbsent(key: string, value: string): Promise<string> {
    // One statement, so racing writers on any node all read back the winner's value. The
    // self-assignment is a no-op whose only purpose is to make RETURNING yield the stored row.
    const row = await this.db.get<{ value: string }>(
      'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = meta.value RETURNING value',
      [key, value],
    );
    if (row === undefined) throw new Error(`meta.setIfAbsent(${key}) returned no row`);
    return row.value;
  }

  async set(key: string, value: string): Promise<void> {
    await this.db.run(
      'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      [key, value],
    );
  }
}
