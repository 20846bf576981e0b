import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type Store } from '../../../src-main/store';
import { lttbIndices } from '../../../src-main/store/downsample';
import { migrate, MIGRATIONS } from '../../../src-main/store/migrations';
import Database from 'better-sqlite3';
import type { MetricPoint } from '../../../src-shared/model/metrics';
import { LOCATIONS, tempDir } from './helpers';

/** Indices every-k-th picking (the store's former downsampling) keeps: round(i·(n−1)/(m−1)). */
const everyKth = (n: number, m: number): number[] => Array.from({ length: m }, (_, i) => Math.round((i * (n - 1)) / (m - 1)));

describe('lttbIndices', () => {
  it('keeps a spike that every-k-th picking loses (hand-worked LTTB)', () => {
    // 10 points, 4 kept: buckets {0}, {1..4}, {5..8}, {9}. Values flat 0 but a spike 10 at 2 and a dip -5 at 6.
    const xs = Array.from({ length: 10 }, (_, i) => i);
    const ys = [0, 0, 10, 0, 0, 0, -5, 0, 0, 0];
    // Bucket {1..4}: A = (0,0), C = mean of bucket {5..8} = (6.5, -1.25); area(j) = |-6.5·y_j - 1.25·x_j| / 2
    // = 0.625, 33.75, 1.875, 2.5 for j = 1..4 -> index 2. Bucket {5..8}: A = (2,10), C = (9,0);
    // area(j) = |-7·(y_j - 10) + 10·(2 - x_j)| / 2 = 20, 32.5, 10, 5 -> index 6.
    expect(lttbIndices(xs, ys, 4)).toEqual([0, 2, 6, 9]);
    // Every k-th keeps 0, 3, 6, 9: the spike is gone.
    expect(everyKth(10, 4).map((i) => ys[i])).toEqual([0, 0, -5, 0]);
  });

  it('keeps the ends for 2 points, everything when few, and refuses a maxPoints below 2', () => {
    expect(lttbIndices([1, 2, 3, 4, 5], [5, 1, 9, 2, 3], 2)).toEqual([0, 4]);
    expect(lttbIndices([1, 2, 3], [1, 2, 3], 4)).toEqual([0, 1, 2]);
    expect(lttbIndices([], [], 4)).toEqual([]);
    expect(() => lttbIndices([1, 2, 3], [1, 2, 3], 1)).toThrow(/maxPoints must be an integer of at least 2/);
  });

  it('picks through NaN values (a diverged loss) instead of failing, and keeps some of them', () => {
    // 1000 points: finite then NaN from index 600 on (as a diverged run reports).
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    const ys = xs.map((i) => (i < 600 ? Math.cos(i / 7) : Number.NaN));
    const kept = lttbIndices(xs, ys, 50);
    expect(kept).toHaveLength(50);
    expect(kept[0]).toBe(0);
    expect(kept[49]).toBe(999);
    for (let i = 1; i < kept.length; i++) expect(kept[i]).toBeGreaterThan(kept[i - 1]);
    // 400 of 998 middle points are NaN, over 48 equal buckets: at least 18 buckets are all NaN.
    expect(kept.filter((i) => Number.isNaN(ys[i])).length).toBeGreaterThanOrEqual(18);
  });
});

describe.each(LOCATIONS)('metrics (%s)', (where) => {
  let store: Store;
  let runId: number;
  let temp: ReturnType<typeof tempDir> | undefined;

  beforeEach(() => {
    temp = where === 'file' ? tempDir() : undefined;
    store = openStore(temp ? join(temp.dir, 'm.sqlite') : ':memory:');
    const e = store.experiments.create({ name: 'E' });
    runId = store.runs.create({ experimentId: e.id, name: 'r', algorithm: 'train', config: {}, seed: 0 }).id;
  });
  afterEach(() => {
    store.close();
    temp?.remove();
  });

  it('appends a batch and reads series per key ordered by step', () => {
    // Written out of step order on purpose.
    store.metrics.append(runId, [
      { key: 'train.loss', step: 20, epoch: 0.2, value: 1.5 },
      { key: 'train.loss', step: 10, epoch: 0.1, value: 2.5 },
      { key: 'valid.acc', step: 10, epoch: 0.1, value: 0.3 },
      { key: 'train.loss', step: 30, epoch: 0.3, value: Number.NaN },
    ]);
    expect(store.metrics.keys(runId)).toEqual(['train.loss', 'valid.acc']);
    const [loss, acc] = store.metrics.query({ runId });
    expect(loss).toMatchObject({ key: 'train.loss', steps: [10, 20, 30], epochs: [0.1, 0.2, 0.3], values: [2.5, 1.5, Number.NaN] });
    expect(acc).toMatchObject({ key: 'valid.acc', steps: [10], epochs: [0.1], values: [0.3] });
    expect(store.metrics.query({ runId, keys: ['valid.acc', 'absent'] })).toEqual([
      acc,
      { key: 'absent', steps: [], epochs: [], values: [], times: [] },
    ]);
    expect(store.metrics.query({ runId, keys: ['train.loss'], fromStep: 15, toStep: 30 })[0].steps).toEqual([20, 30]);
  });

  it('replaces a point re-reported at the same step (a resumed run)', () => {
    store.metrics.append(runId, [{ key: 'k', step: 5, epoch: 0, value: 1 }]);
    store.metrics.append(runId, [{ key: 'k', step: 5, epoch: 0, value: 2 }]);
    expect(store.metrics.query({ runId })[0].values).toEqual([2]);
  });

  it('writes nothing from a batch that holds a bad point, and names the problem', () => {
    const points: MetricPoint[] = [
      { key: 'k', step: 1, epoch: 0, value: 1 },
      { key: 'k', step: -1, epoch: 0, value: 1 },
    ];
    expect(() => store.metrics.append(runId, points)).toThrow(/metric 'k' has step -1/);
    expect(() => store.metrics.append(9999, [points[0]])).toThrow(/run 9999 does not exist/);
    expect(store.metrics.keys(runId)).toEqual([]);
  });

  it('downsamples 20k points with LTTB: maxPoints per key, ends kept, a lone spike survives', () => {
    const n = 20_000;
    const spikeAt = 12_237;
    const points: MetricPoint[] = [];
    for (let i = 0; i < n; i++) {
      // Bounded noise in [-1, 1] and one spike of 50 that every-k-th picking steps over.
      points.push({ key: 'train.loss', step: i * 2, epoch: i / 1000, value: i === spikeAt ? 50 : Math.sin(i) });
      if (i % 10 === 0) points.push({ key: 'valid.acc', step: i * 2, epoch: i / 1000, value: i / n });
    }
    store.metrics.append(runId, points);
    const [acc, loss] = store.metrics.query({ runId, keys: ['valid.acc', 'train.loss'], maxPoints: 500 });
    expect(loss.steps).toHaveLength(500);
    expect(acc.steps).toHaveLength(500);
    expect(loss.steps[0]).toBe(0);
    expect(loss.steps[499]).toBe(2 * (n - 1));
    expect(acc.steps[0]).toBe(0);
    expect(acc.steps[499]).toBe(2 * (n - 10));
    expect(loss.steps.every((step, i) => i === 0 || step > loss.steps[i - 1])).toBe(true);
    // Each kept point is a stored point: value and epoch match its step.
    expect(loss.values).toEqual(loss.steps.map((step) => (step / 2 === spikeAt ? 50 : Math.sin(step / 2))));
    expect(loss.epochs).toEqual(loss.steps.map((step) => step / 2 / 1000));
    expect(loss.steps).toContain(2 * spikeAt);
    expect(everyKth(n, 500)).not.toContain(spikeAt);
    // A step range is downsampled on its own: its ends are kept.
    const part = store.metrics.query({ runId, keys: ['train.loss'], fromStep: 1001, toStep: 2001, maxPoints: 3 })[0];
    expect(part.steps).toHaveLength(3);
    expect(part.steps[0]).toBe(1002);
    expect(part.steps[2]).toBe(2000);
  });

  it('over a long range reads tile summaries: exactly maxPoints stored points, ends and a spike kept, also after a rewind', () => {
    // Steps 100 apart: 2000 points over ~196 tiles of 1024 steps, more than 100 / 4, so the tiles are used.
    const spikeAt = 1234;
    const value = (i: number): number => (i === spikeAt ? 50 : Math.sin(i));
    store.metrics.append(runId, Array.from({ length: 2000 }, (_, i) => ({ key: 'k', step: i * 100, epoch: i / 100, value: value(i) })));
    const check = (s: { steps: number[]; values: number[]; epochs: number[] }): void => {
      expect(s.steps.every((step, i) => i === 0 || step > s.steps[i - 1])).toBe(true);
      expect(s.values).toEqual(s.steps.map((step) => value(step / 100)));
      expect(s.epochs).toEqual(s.steps.map((step) => step / 100 / 100));
    };
    const [all] = store.metrics.query({ runId, keys: ['k'], maxPoints: 100 });
    expect(all.steps).toHaveLength(100);
    expect(all.steps[0]).toBe(0);
    expect(all.steps[99]).toBe(199_900);
    expect(all.steps).toContain(spikeAt * 100);
    expect(everyKth(2000, 100)).not.toContain(spikeAt);
    check(all);
    const [part] = store.metrics.query({ runId, keys: ['k'], fromStep: 50_050, toStep: 150_000, maxPoints: 20 });
    expect(part.steps).toHaveLength(20);
    expect(part.steps[0]).toBe(50_100);
    expect(part.steps[19]).toBe(150_000);
    check(part);
    // A resumed run drops what came after its checkpoint: the tiles follow.
    store.checkpoints.rewindTo(runId, 100_000);
    const [rewound] = store.metrics.query({ runId, keys: ['k'], maxPoints: 30 });
    expect(rewound.steps).toHaveLength(30);
    expect(rewound.steps[29]).toBe(100_000);
    check(rewound);
    store.metrics.append(runId, [{ key: 'k', step: 100_050, epoch: 0, value: -80 }]);
    expect(store.metrics.query({ runId, keys: ['k'], maxPoints: 30 })[0].values).toContain(-80);
  });

  it('records when points were written, and pages with limit', () => {
    const before = Date.now();
    store.metrics.append(runId, [0, 1, 2, 3, 4].map((step) => ({ key: 'k', step, epoch: step / 2, value: step })));
    const after = Date.now();
    store.metrics.append(runId, [{ key: 'k', step: 5, epoch: 2.5, value: 5 }], 1_700_000_000_000);
    const [all] = store.metrics.query({ runId });
    for (const t of all.times.slice(0, 5)) {
      expect(t).toBeGreaterThanOrEqual(before);
      expect(t).toBeLessThanOrEqual(after);
    }
    expect(all.times[5]).toBe(1_700_000_000_000);
    const page = store.metrics.query({ runId, fromStep: 2, limit: 2, maxPoints: 2 })[0];
    expect(page).toEqual({ key: 'k', steps: [2, 3], epochs: [1, 1.5], values: [2, 3], times: [all.times[2], all.times[3]] });
    expect(() => store.metrics.append(runId, [], 1.5)).toThrow(/write time 1.5 is not an integer/);
  });

});

describe('the metric time migration', () => {
  it('keeps the rows written before it, with an unknown (null) time', () => {
    const temp = tempDir();
    try {
      const file = join(temp.dir, 'old.sqlite');
      const at = MIGRATIONS.findIndex((m) => m.name === 'metric write time and tiles');
      expect(at).toBeGreaterThan(0);
      // The schema just before it, written with plain SQL (this build's repositories expect the new column).
      const raw = new Database(file);
      migrate(raw, file, MIGRATIONS.slice(0, at));
      raw.exec(`INSERT INTO experiments (id, name, created_at) VALUES (1, 'E', '2026-01-01T00:00:00.000Z');
        INSERT INTO runs (id, experiment_id, name, algorithm, config, seed, status, created_at)
        VALUES (1, 1, 'r', 'train', '{}', 0, 'completed', '2026-01-01T00:00:00.000Z');
        INSERT INTO metrics (run_id, key, step, epoch, value) VALUES (1, 'k', 3, 0.5, 1.25);`);
      // A long series too, one point per tile with a spike at 150: the migration fills its tiles.
      const insert = raw.prepare("INSERT INTO metrics (run_id, key, step, epoch, value) VALUES (1, 'long', ?, 0, ?)");
      raw.transaction(() => {
        for (let i = 0; i < 300; i++) insert.run(i * 1024, i === 150 ? 99 : i % 7);
      })();
      raw.close();
      const run = { id: 1 };
      const store = openStore(file);
      try {
        expect(store.metrics.query({ runId: run.id, keys: ['k'] })).toEqual([{ key: 'k', steps: [3], epochs: [0.5], values: [1.25], times: [null] }]);
        const [long] = store.metrics.query({ runId: run.id, keys: ['long'], maxPoints: 10 });
        expect(long.steps).toHaveLength(10);
        expect(long.steps[0]).toBe(0);
        expect(long.steps[9]).toBe(299 * 1024);
        expect(long.values).toContain(99);
      } finally {
        store.close();
      }
    } finally {
      temp.remove();
    }
  });
});
