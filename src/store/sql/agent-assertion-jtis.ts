import type { AgentAssertionJtiRepo } from '../store.js';
import type { Executor } from './executor.js';

export class SqlAgentAssertionJtiRepo implements AgentAssertionJtiRepo {
  constructor(private readonly db: Executor) {}

  /** One INSERT … ON CONFLICT DO NOTHING: the primary key, not the caller, decides who was first. */
  async claim(agentId: string, jti: string, expiresAt: number): Promise<boolean> {
    const { changes } = await this.db.run(
      'INSERT INTO agent_assertion_jtis (agent_id, jti, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [agentId, jti, expiresAt],
    );
    return changes === 1;
  }

  async deleteExpired(now: number): Promise<number> {
    const { changes } = await this.db.run('DELETE FROM agent_assertion_jtis WHERE expires_at <= $1', [now]);
    return changes;
  }
}
