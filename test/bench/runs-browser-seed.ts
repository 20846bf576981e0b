import Database from 'better-sqlite3';
import { openStore } from '../../src-main/store';
import { runFacts } from '../../src-main/store/run-facts';
import { RunConfig } from '../../src-shared/model/run-config';
import { Rng } from '../../src-shared/model/rng';

const ALGORITHMS = ['darts', 'gdas', 'snas', 'drnas', 'rea', 'random', 'train'] as const;
const STATUSES = ['completed', 'completed', 'completed', 'failed', 'cancelled'] as const;

/**
 * Writes `runs` runs with full default configs (as the app stores them, ~1 kB of JSON each), a
 * `valid.acc` curve of `epochs` points each, tags on every 7th run, notes on every 11th and a
 * collapse warning on every 13th, into the workbench database at `file`. One transaction of raw
 * inserts (the app would take one per run); the store's migrations make the schema and its
 * triggers keep the summary, as they do for the app's writes. Deterministic (seed 1).
 */
export function seedRunsBrowserStore(file: string, runs: number, epochs = 20): void {
  openStore(file).close();
  const db = new Database(file);
  const rng = new Rng(1);
  const configs = ALGORITHMS.map((algorithm) => RunConfig.parse({ algorithm }));
  const insertRun = db.prepare(`
    INSERT INTO runs (experiment_id, name, algorithm, config, seed, status, created_at, started_at, ended_at)
    VALUES (@experimentId, @name, @algorithm, @config, @seed, @status, @createdAt, @startedAt, @endedAt)`);
  const insertFacts = db.prepare(
    'INSERT INTO run_summary (run_id, space, dataset, search_run_id, config_key, notes) VALUES (@runId, @space, @dataset, @searchRunId, @configKey, @notes)',
  );
  const insertMetric = db.prepare('INSERT INTO metrics (run_id, key, step, epoch, value, seq) VALUES (?, ?, ?, ?, ?, 1)');
  const insertTag = db.prepare('INSERT INTO run_tags (run_id, tag) VALUES (?, ?)');
  db.transaction(() => {
    const experiments = [1, 2, 3].map((i) =>
      Number(db.prepare('INSERT INTO experiments (name, created_at) VALUES (?, ?)').run(`Sweep ${i}`, '2026-11-01T00:00:00.000Z').lastInsertRowid),
    );
    const t0 = Date.parse('2026-11-01T00:00:00.000Z');
    for (let i = 0; i < runs; i++) {
      const k = i % configs.length;
      const seed = Math.floor(i / configs.length) % 10;
      const config = { ...configs[k], seed };
      const start = t0 + i * 60_000;
      const runId = Number(
        insertRun.run({
          experimentId: experiments[i % experiments.length],
          name: `${config.algorithm} sweep ${i} (seed ${seed})`,
          algorithm: config.algorithm,
          config: JSON.stringify(config),
          seed,
          status: STATUSES[i % STATUSES.length],
          createdAt: new Date(start).toISOString(),
          startedAt: new Date(start + 1000).toISOString(),
          endedAt: new Date(start + 1000 + Math.floor(rng.next() * 3_600_000)).toISOString(),
        }).lastInsertRowid,
      );
      insertFacts.run({ runId, ...runFacts(config.algorithm, config), notes: i % 11 === 0 ? `note for run ${i}: warm-up looked unstable` : '' });
      const ceiling = 60 + rng.next() * 35;
      for (let e = 1; e <= epochs; e++) insertMetric.run(runId, 'valid.acc', e * 100, e, ceiling * (1 - Math.exp(-e / 4)));
      if (i % 13 === 0) insertMetric.run(runId, 'warning.collapse', 1200, 12, 12);
      if (i % 7 === 0) insertTag.run(runId, i % 14 === 0 ? 'baseline' : 'ablation');
    }
  })();
  db.close();
}
