import type { ConnectionPool } from '../core/adapter/adapter.js';
import type { Connection } from '../core/adapter/connection.js';

/**
 * A fixed-size pool of sessions, opened on first use. Callers beyond `size` wait in FIFO order.
 * When the server refuses a further session, the pool shrinks to the sessions it has.
 */
export class SessionPool implements ConnectionPool {
  private readonly idle: Connection[] = [];
  private readonly busy = new Set<Connection>();
  private readonly waiting: { resolve: (c: Connection) => void; reject: (err: unknown) => void }[] = [];
  private opened = 0;

  constructor(
    private size: number,
    private readonly open: () => Promise<Connection>,
    private readonly onClose: () => void | Promise<void> = () => undefined,
  ) {}

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
      try {
        const created = await this.open();
        this.busy.add(created);
        return created;
      } catch (err) {
        this.opened--;
        // The server allows no more sessions (max_connections, a role's limit): the run goes on,
        // on fewer at once, with those it has. Without any, the error is the caller's.
        if (this.opened === 0) {
          for (const waiter of this.waiting.splice(0)) waiter.reject(err);
          throw err;
        }
        this.size = this.opened;
      }
    }
    return this.queue();
  }

  private queue(): Promise<Connection> {
    return new Promise((resolve, reject) =>
      this.waiting.push({
        resolve: (c) => {
          this.busy.add(c);
          resolve(c);
        },
        reject,
      }),
    );
  }

  private release(connection: Connection): void {
    this.busy.delete(connection);
    const next = this.waiting.shift();
    if (next) next.resolve(connection);
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
