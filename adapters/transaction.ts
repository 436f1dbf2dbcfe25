/**
 * Runs `fn` between `begin` and `commit`, rolling back when it throws. Shared by the adapters,
 * which differ only in how they send a statement.
 */
export async function inTransaction<T>(send: (sql: string) => Promise<unknown>, fn: () => Promise<T>): Promise<T> {
  await send('begin');
  try {
    const result = await fn();
    await send('commit');
    return result;
  } catch (err) {
    await send('rollback').catch(() => undefined);
    throw err;
  }
}
