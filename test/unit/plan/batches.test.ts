import { describe, expect, it } from 'vitest';
import { planBatches } from '../../../core/plan/batches.js';

const iso = (batches: { start: Date; end: Date }[]) =>
  batches.map((b) => `${b.start.toISOString().slice(0, 13)}..${b.end.toISOString().slice(0, 13)}`);
const now = new Date('2024-03-10T15:30:00Z');

describe('microbatch windows', () => {
  it('builds from begin to the current batch on a first run', () => {
    expect(iso(planBatches({ batchSize: 'day', begin: new Date('2024-03-07T00:00:00Z'), lookback: 1, now, incremental: false }))).toEqual([
      '2024-03-07T00..2024-03-08T00',
      '2024-03-08T00..2024-03-09T00',
      '2024-03-09T00..2024-03-10T00',
      '2024-03-10T00..2024-03-11T00',
    ]);
  });

  it('rebuilds the current batch and `lookback` earlier ones on later runs', () => {
    expect(iso(planBatches({ batchSize: 'hour', begin: new Date('2020-01-01T00:00:00Z'), lookback: 2, now, incremental: true }))).toEqual([
      '2024-03-10T13..2024-03-10T14',
      '2024-03-10T14..2024-03-10T15',
      '2024-03-10T15..2024-03-10T16',
    ]);
  });

  it('uses an explicit backfill range, with month and year sizes', () => {
    expect(
      iso(
        planBatches({
          batchSize: 'month',
          begin: new Date('2020-01-01T00:00:00Z'),
          lookback: 1,
          now,
          incremental: true,
          start: new Date('2023-11-15T00:00:00Z'),
          end: new Date('2024-02-01T00:00:00Z'),
        }),
      ),
    ).toEqual(['2023-11-01T00..2023-12-01T00', '2023-12-01T00..2024-01-01T00', '2024-01-01T00..2024-02-01T00']);
    expect(planBatches({ batchSize: 'year', begin: new Date('2022-06-01T00:00:00Z'), lookback: 0, now, incremental: false })).toHaveLength(
      3,
    );
  });
});
