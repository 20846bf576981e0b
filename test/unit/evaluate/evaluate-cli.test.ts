import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Genotype } from '../../../src-shared/model/genotype';
import { openStore } from '../../../src-main/store';
import { publishedDartsCell } from '../../fixtures/published';

const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const env = { ...process.env, NAS_WORKBENCH_DATA_DIR: '' };

// DARTS_V2 as written in quark0/darts cnn/genotypes.py, pasted into a file.
const DARTS_V2_PY =
  "DARTS_V2 = Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])\n";
const NB201_CELL: Genotype = { space: 'nb201', arch: '|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|none~2|' };

describe('evaluate and weights (real CLI processes, tiny preset)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nas-evaluate-cli-'));
  const dataDir = join(dir, 'data');
  const storeFile = join(dataDir, 'workbench.sqlite');
  const cli = (args: string[]) => spawnSync(process.execPath, [tsx, 'src-main/cli/main.ts', ...args, '--data-dir', dataDir], { encoding: 'utf8', env });
  const ids = { search: 0, train: 0, evaluation: 0 };
  const stored = <T>(read: (store: ReturnType<typeof openStore>) => T): T => {
    const store = openStore(storeFile, { readonly: true });
    try {
      return read(store);
    } finally {
      store.close();
    }
  };
  /** Every file of the data dir with its SHA-256, to show a refused command wrote nothing. */
  const snapshot = () =>
    existsSync(dataDir) ? readdirSync(dataDir).filter((f) => statSync(join(dataDir, f)).isFile()).map((f) => [f, createHash('sha256').update(readFileSync(join(dataDir, f))).digest('hex')]) : null;

  beforeAll(() => {
    // A real store file holding a finished search run with a final genotype, a training run (no
    // genotype) and an evaluation run, as other processes would have left them.
    const store = openStore(storeFile);
    const experimentId = store.experiments.getOrCreateDefault().id;
    const finished = (algorithm: string, genotype?: Genotype) => {
      const run = store.runs.create({ experimentId, name: `${algorithm} run`, algorithm, config: { algorithm }, seed: 0 });
      store.runs.markStarted(run.id, 'wasm');
      if (genotype) {
        store.genotypes.add(run.id, { step: 3, epoch: 1, final: false, genotype: { space: 'nb201', arch: NB201_CELL.arch.replace('none~2', 'nor_conv_3x3~2') } });
        store.genotypes.add(run.id, { step: 6, epoch: 2, final: true, genotype });
      }
      store.runs.markFinished(run.id, 'completed');
      return run.id;
    };
    ids.search = finished('random', NB201_CELL);
    ids.train = finished('train');
    ids.evaluation = finished('evaluation', NB201_CELL);
    store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('trains a pasted DARTS_V2 Python text with --seeds 2: each run stored, mean ± sample std of the stored reports', () => {
    const file = join(dir, 'darts_v2.py');
    writeFileSync(file, DARTS_V2_PY);
    const r = cli(['evaluate', '--genotype', file, '--preset', 'tiny', '--seeds', '2', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { runs: { runId: number; seed: number; top1: number; params: number; weights: string }[]; top1: { mean: number; std: number; n: number; std_kind: string }; params: number; multiplyAdds: number; genotype: Genotype; searchRunId: null };
    expect(summary.runs.map((x) => x.seed)).toEqual([0, 1]);
    expect(summary.genotype).toEqual(publishedDartsCell('DARTS_V2'));
    expect(summary.searchRunId).toBeNull();
    const reports = stored((store) =>
      summary.runs.map((x) => {
        const run = store.runs.get(x.runId)!;
        expect(run.status).toBe('completed');
        expect(run.config).toMatchObject({ algorithm: 'evaluation', preset: 'tiny', seed: x.seed, genotype: publishedDartsCell('DARTS_V2') });
        return store.artifacts.list(x.runId, 'evaluation.report')[0].data as { top1: number; params: number; multiplyAdds: number };
      }),
    );
    // Mean and sample standard deviation (n − 1) of the two stored top-1 values, worked out here.
    const [a, b] = reports.map((x) => x.top1);
    expect(summary.top1.n).toBe(2);
    expect(summary.top1.std_kind).toBe('sample');
    expect(summary.top1.mean).toBeCloseTo((a + b) / 2, 12);
    expect(summary.top1.std).toBeCloseTo(Math.abs(a - b) / Math.SQRT2, 12);
    expect(summary.params).toBe(reports[0].params);
    expect(summary.multiplyAdds).toBe(reports[0].multiplyAdds);

    // `weights` copies the saved network out, byte for byte.
    const out = join(dir, 'copied.safetensors');
    const w = cli(['weights', String(summary.runs[1].runId), '--out', out]);
    expect(w.status, w.stderr).toBe(0);
    expect(readFileSync(out).equals(readFileSync(summary.runs[1].weights))).toBe(true);
    expect(w.stdout).toMatch(new RegExp(`^run ${summary.runs[1].runId}: [\\d,]+ bytes \\(sha256 [0-9a-f]{64}\\) copied to `));
  }, 240_000);

  it('--run trains the final genotype of a finished search run and links the evaluation to it', () => {
    const r = cli(['evaluate', '--run', String(ids.search)]);
    expect(r.status, r.stderr).toBe(0);
    const seedLine = /^seed 0: top-1 (\d+\.\d\d) % {2}\(run (\d+), weights .*weights\.safetensors\)$/m.exec(r.stdout);
    expect(seedLine, r.stdout).not.toBeNull();
    expect(r.stdout).toMatch(new RegExp(`^top-1: ${seedLine![1]} % \\(one seed, no spread\\)$`, 'm'));
    expect(r.stdout).toMatch(/^parameters: [\d,]+ \(auxiliary head excluded\) {2}multiply-adds: [\d,]+ per image/m);
    const runId = Number(seedLine![2]);
    const { config, top1 } = stored((store) => ({ config: store.runs.get(runId)!.config, top1: (store.artifacts.list(runId, 'evaluation.report')[0].data as { top1: number }).top1 }));
    expect(config).toMatchObject({ algorithm: 'evaluation', searchRunId: ids.search, genotype: NB201_CELL, seed: 0 });
    expect(seedLine![1]).toBe((100 * top1).toFixed(2));
  }, 120_000);

  it('refuses a bad file, an unknown run, a run without genotype and an evaluation run: one line, exit 2, nothing written', () => {
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, 'Genotype(normal=[("sep_conv_9x9", 0), ("skip_connect", 1)], normal_concat=[2], reduce=[("skip_connect", 0), ("skip_connect", 1)], reduce_concat=[2])');
    const cases: [string[], RegExp][] = [
      [['evaluate', '--genotype', bad], /^error: .*bad\.txt is not a genotype: edge 0 of 'normal' \(node 0\): unknown op 'sep_conv_9x9'/],
      [['evaluate', '--genotype', join(dir, 'nope.py')], /^error: cannot read the genotype file .*nope\.py: ENOENT$/m],
      [['evaluate', '--run', '999'], /^error: run 999 does not exist \(see `runs list`\)$/m],
      [['evaluate', '--run', String(ids.train)], new RegExp(`^error: run ${ids.train} \\(train\\) recorded no genotype`)],
      [['evaluate', '--run', String(ids.evaluation)], new RegExp(`^error: run ${ids.evaluation} is an evaluation run`)],
      [['evaluate', '--genotype', bad, '--run', '1'], /^error: evaluate needs --genotype FILE or --run RUN_ID \(one of them\)$/m],
      [['evaluate', '--run', String(ids.search), '--preset', 'huge'], /^error: no evaluation preset named 'huge'; presets: paper, fmnist-cpu, fmnist-quick, tiny$/m],
      [['weights', String(ids.search), '--out', join(dir, 'w.safetensors')], new RegExp(`^error: run ${ids.search} has no trained network: it is a 'random' run`)],
    ];
    for (const [args, message] of cases) {
      const before = snapshot();
      const r = cli(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      if (!args.includes('--genotype') || !args.includes('--run')) expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(snapshot()).toEqual(before);
    }
    expect(existsSync(join(dir, 'w.safetensors'))).toBe(false);
    // A bad file with a data dir that does not exist yet leaves none behind.
    const fresh = join(dir, 'fresh');
    const r = spawnSync(process.execPath, [tsx, 'src-main/cli/main.ts', 'evaluate', '--genotype', bad, '--data-dir', fresh], { encoding: 'utf8', env });
    expect(r.status).toBe(2);
    expect(existsSync(fresh)).toBe(false);
  }, 120_000);
});
