import type { ConnectionPool } from '../core/adapter/adapter.js';
import type { Connection } from '../core/adapter/connection.js';

/**
 * A fixed-size pool of sessions, opened on first use. Callers beyond `size` wait in FIFO order.
 */
export class SessionPool implements ConnectionPool {
  private readonly idle: Connection[] = [];
  private readonly busy = new Set<Connection>();
  private readonly waiting: ((c: Connection) => void)[] = [];
  private opened = 0;

  constructor(private readonly size: number, private readonly open: () => Promise<Connection>, private readonly onClose: () => void | Promise<void> = () => undefined) {}

  async withConnection<T>(fn: (connection: Connection) => Promise<T>): Promise<T> {
    const connection = await this.acquire();
    try {
      return await fn(connection);
    } finally {
      this.release(connection);
    }
  }

  private async acquire(): Promise<Connection> {
    const free = this.idle.pop();
    if (free) {
      this.busy.add(free);
      return free;
    }
    if (this.opened < this.size) {
      this.opened++;
      const created = await this.open().catch((err: unknown) => {
        this.opened--;
        throw err;
      });
      this.busy.add(created);
      return created;
    }
    return new Promise((resolve) => this.waiting.push((c) => {
      this.busy.add(c);
      resolve(c);
    }));
  }

  private release(connection: Connection): void {
    this.busy.delete(connection);
    const next = this.waiting.shift();
    if (next) next(connection);
    else this.idle.push(connection);
  }

  async cancelAll(): Promise<void> {
    await Promise.all([...this.busy].map((c) => c.cancel()));
  }

  async close(): Promise<void> {
    await Promise.all([...this.idle, ...this.busy].map((c) => c.close()));
    this.idle.length = 0;
    this.busy.clear();
    await this.onClose();
  }
}
