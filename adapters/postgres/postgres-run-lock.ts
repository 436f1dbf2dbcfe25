import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { TargetInfo } from '../../core/adapter/adapter.js';
import { runLockTimeout, type RunLock, type RunLockOptions, type RunLockWait } from '../../core/adapter/run-lock.js';
import type { PostgresConfig } from './postgres-config.js';
import { openClient } from './postgres-client.js';

/**
 * The two int4 keys of a target's advisory lock: 62 bits of a hash of database and schema. Both
 * halves are kept non-negative so that pg_locks (whose key columns are oids) shows them as they are.
 */
export function runLockKeys(database: string, schema: string): [number, number] {
  const hash = createHash('sha256').update(`strata run lock\0${database}\0${schema}`).digest();
  return [hash.readUInt32BE(0) & 0x7fffffff, hash.readUInt32BE(4) & 0x7fffffff];
}

/** The lock session's name in pg_stat_activity: a waiting run reads the holder's pid from it. */
function lockSessionName(applicationName: string): string {
  const own = `strata pid ${process.pid} run lock`;
  // Postgres keeps 63 bytes of it; the profile's name gives way, the pid stays.
  return applicationName === 'strata' ? own : `${applicationName.slice(0, 63 - own.length - 2)}: ${own}`;
}

/** The holder of the two-key advisory lock `keys` in this database, as `pid <n>`. */
async function lockHolder(client: pg.Client, keys: [number, number]): Promise<string> {
  const { rows } = await client.query<{ pid: number; application_name: string | null }>(
    `select a.pid, a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid
     where l.locktype = 'advisory' and l.granted and l.objsubid = 2 and l.classid::bigint = $1 and l.objid::bigint = $2
       and l.database = (select oid from pg_database where datname = current_database())`,
    keys,
  );
  const row = rows[0];
  if (!row) return 'pid unknown';
  const strataPid = /strata pid (\d+)/.exec(row.application_name ?? '')?.[1];
  return strataPid ? `pid ${strataPid}` : `Postgres backend pid ${row.pid}`;
}

/**
 * Takes the target's run lock: a session-level advisory lock on a key hashed from database and
 * schema, held by a session of its own for the whole run (so no statement of the run can end it).
 * Another run on the same target waits (`lock_timeout` bounds the wait) and names the holder.
 */
export async function acquirePostgresRunLock(config: PostgresConfig, target: TargetInfo, options: RunLockOptions): Promise<RunLock> {
  const keys = runLockKeys(target.database ?? config.dbname, target.schema);
  const client = await openClient(config, lockSessionName(config.application_name));
  try {
    const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1, $2) as ok', keys);
    if (!rows[0]?.ok) await waitForLock(client, config, keys, `${target.database ?? config.dbname}.${target.schema}`, options);
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      // Ending the session frees the lock too; unlocking first frees it before this returns.
      await client.query('select pg_advisory_unlock($1, $2)', keys).catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}

async function waitForLock(
  client: pg.Client,
  config: PostgresConfig,
  keys: [number, number],
  target: string,
  options: RunLockOptions,
): Promise<void> {
  const wait: RunLockWait = { holder: await lockHolder(client, keys), target };
  const seconds = options.timeoutSeconds;
  if (seconds === 0) throw runLockTimeout(wait, 0);
  options.signal?.throwIfAborted();
  options.onWait?.(wait);
  // lock_timeout 0 waits without end; the largest value it takes is about 24 days.
  await client.query(`set lock_timeout = ${seconds === undefined ? 0 : Math.min(2 ** 31 - 1, Math.max(1, Math.round(seconds * 1000)))}`);
  // Ctrl-C: cancel the waiting statement from a second session, as PostgresSession.cancel does.
  // The abort may come before the statement reaches the server, so the cancel is repeated until
  // the statement has ended.
  let waiting = true;
  const cancel = () => void cancelUntilDone(config, (client as pg.Client & { processID: number }).processID, () => waiting);
  options.signal?.addEventListener('abort', cancel, { once: true });
  try {
    options.signal?.throwIfAborted();
    await client.query('select pg_advisory_lock($1, $2)', keys);
  } catch (err) {
    options.signal?.throwIfAborted();
    if ((err as { code?: string }).code === '55P03') {
      // The holder may have changed while this run waited (a third run got in first).
      const now = await lockHolder(client, keys).catch(() => 'pid unknown');
      throw runLockTimeout({ ...wait, holder: now === 'pid unknown' ? wait.holder : now }, seconds ?? 0);
    }
    throw err;
  } finally {
    waiting = false;
    options.signal?.removeEventListener('abort', cancel);
  }
}

/** Cancels the statement of backend `pid` from a session of its own, again every 100 ms while `stillWaiting()`. */
async function cancelUntilDone(config: PostgresConfig, pid: number, stillWaiting: () => boolean): Promise<void> {
  const side = await openClient(config).catch(() => undefined);
  if (!side) return;
  try {
    while (stillWaiting()) {
      await side.query('select pg_cancel_backend($1)', [pid]);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch {
    // The server went away: the waiting statement ends with it.
  } finally {
    await side.end().catch(() => undefined);
  }
}
