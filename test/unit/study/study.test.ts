import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunConfig } from '../../../src-shared/model/run-config';
import { robustDartsSpace } from '../../../src-shared/model/robust-darts';
import { parameterFreeShare, planStudy, StudyRequest, summarizeStudy, type StudyRunFacts } from '../../../src-shared/model/study';
import { createHost, type Host } from '../../../src-main/host/host';
import { resourcesDir } from '../../../src-main/host/paths';
import { fakeLauncher } from '../host/fake-engine';

describe('study plan', () => {
  it('plans every strategy on the same seeds in RobustDARTS’s S2, each config valid', () => {
    const { runs, skipped } = planStudy(StudyRequest.parse({ space: 's2', strategies: ['darts', 'drnas', 'pcdarts'], seeds: 2 }));
    expect(runs.map((r) => `${r.strategy}:${r.seed}`)).toEqual(['darts:0', 'darts:1', 'drnas:0', 'drnas:1', 'pcdarts:0', 'pcdarts:1']);
    expect(skipped).toEqual([]);
    const s2 = robustDartsSpace('S2');
    for (const r of runs) {
      const config = RunConfig.parse(r.config);
      expect(config.algorithm).toBe(r.strategy);
      expect(config.seed).toBe(r.seed);
      if (!('space' in config) || config.space.kind !== 'darts') throw new Error('S2 is a DARTS space');
      expect(config.space.edgeOps).toEqual(s2.edgeOps);
      expect(config.space.channels).toBe(4); // the quick preset's size
    }
  });

  it('plans NASP and ProxylessNAS from their own presets on S2 and NAS-Bench-201, each config valid', () => {
    for (const space of ['s2', 'nb201'] as const) {
      const { runs, skipped } = planStudy(StudyRequest.parse({ space, strategies: ['nasp', 'proxyless'] }));
      expect(skipped).toEqual([]);
      expect(runs.map((r) => RunConfig.parse(r.config).algorithm)).toEqual(['nasp', 'proxyless']);
      // proxyless-quick steps α after every batch (its own preset, not DARTS's `quick` renamed).
      expect(RunConfig.parse(runs[1].config)).toMatchObject({ archUpdateEvery: 1, space: { kind: space === 's2' ? 'darts' : 'nb201' } });
    }
  });

  it('plans few-shot NAS on every study space with its own preset, each config valid and split into at least two sub-supernets', () => {
    for (const space of ['s1', 's2', 's3', 's4', 'darts', 'nb201'] as const) {
      const { runs, skipped } = planStudy(StudyRequest.parse({ space, strategies: ['fewshot'] }));
      expect(skipped).toEqual([]);
      const config = RunConfig.parse(runs[0].config);
      if (config.algorithm !== 'fewshot') throw new Error('a few-shot run');
      expect([config.warmupEpochs, config.epochs]).toEqual([2, 1]); // fewshot-quick
    }
  });

  it('runs every search for --epochs instead of the preset’s, and refuses 0', () => {
    const { runs } = planStudy(StudyRequest.parse({ space: 's2', strategies: ['darts', 'pcdarts'], size: 'laptop', epochs: 25 }));
    const epochs = (config: unknown) => (RunConfig.parse(config) as { epochs?: number }).epochs;
    for (const r of runs) expect(epochs(r.config)).toBe(25);
    expect(epochs(planStudy(StudyRequest.parse({ space: 's2', strategies: ['darts'], size: 'laptop' })).runs[0].config)).toBe(12);
    expect(StudyRequest.safeParse({ space: 's2', epochs: 0 }).success).toBe(false);
  });

  it('plans PC-DARTS on NAS-Bench-201 like the others (partial channels on NB201’s cell); refuses a strategy named twice', () => {
    const { runs, skipped } = planStudy(StudyRequest.parse({ space: 'nb201', strategies: ['darts', 'pcdarts'] }));
    expect(runs.map((r) => r.strategy)).toEqual(['darts', 'pcdarts']);
    expect(skipped).toEqual([]);
    expect(RunConfig.parse(runs[1].config)).toMatchObject({ algorithm: 'pcdarts', space: { kind: 'nb201' }, partialChannels: 4 });
    const twice = StudyRequest.safeParse({ space: 's3', strategies: ['darts', 'darts'] });
    expect(twice.error?.issues[0].message).toMatch(/named once/);
  });

  it('counts the normal cell’s parameter-free ops (hand-counted DARTS and NB201 cells)', () => {
    const darts = {
      space: 'darts' as const,
      normal: [['skip_connect', 0], ['sep_conv_3x3', 1], ['skip_connect', 0], ['max_pool_3x3', 1], ['dil_conv_3x3', 2], ['sep_conv_5x5', 0], ['skip_connect', 1], ['sep_conv_3x3', 3]] as [string, number][],
      normal_concat: [2, 3, 4, 5],
      reduce: [['max_pool_3x3', 0], ['max_pool_3x3', 1], ['max_pool_3x3', 0], ['max_pool_3x3', 1], ['max_pool_3x3', 0], ['max_pool_3x3', 1], ['max_pool_3x3', 0], ['max_pool_3x3', 1]] as [string, number][],
      reduce_concat: [2, 3, 4, 5],
    };
    expect(parameterFreeShare(darts)).toBe(4 / 8); // three skips and a pool; the reduce cell does not count
    expect(parameterFreeShare({ space: 'nb201', arch: '|skip_connect~0|+|none~0|nor_conv_3x3~1|+|avg_pool_3x3~0|skip_connect~1|nor_conv_1x1~2|' })).toBe(4 / 6);
  });

  it('summarizes completed runs per algorithm as mean ± sample std (by hand)', () => {
    const nb = (arch: string) => ({ space: 'nb201' as const, arch });
    const facts: StudyRunFacts[] = [
      { runId: 1, algorithm: 'darts', seed: 0, status: 'completed', genotype: nb('|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|'), eigenvalues: [0.1, 0.4], seconds: 10, benchmark: { cifar10: 54 }, evaluatedTop1: null },
      { runId: 2, algorithm: 'darts', seed: 1, status: 'completed', genotype: nb('|skip_connect~0|+|skip_connect~0|nor_conv_3x3~1|+|skip_connect~0|skip_connect~1|skip_connect~2|'), eigenvalues: [0.2, 0.8], seconds: 14, benchmark: { cifar10: 58 }, evaluatedTop1: 0.9 },
      { runId: 3, algorithm: 'darts', seed: 2, status: 'failed', genotype: null, eigenvalues: [], seconds: null, benchmark: null, evaluatedTop1: null },
      { runId: 4, algorithm: 'drnas', seed: 0, status: 'completed', genotype: nb('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|'), eigenvalues: [0.05], seconds: 20, benchmark: { cifar10: 94 }, evaluatedTop1: null },
    ];
    const [darts, drnas] = summarizeStudy(facts);
    expect([darts.algorithm, darts.runs, darts.completed]).toEqual(['darts', 3, 2]);
    expect(darts.parameterFree!.mean).toBeCloseTo((6 / 6 + 5 / 6) / 2, 12);
    expect(darts.parameterFree!.std).toBeCloseTo(Math.sqrt(((1 / 12) ** 2 * 2) / 1), 12);
    expect(darts.lastEigenvalue).toEqual({ mean: 0.6000000000000001, std: expect.closeTo(Math.SQRT2 * 0.2, 12), n: 2 });
    expect(darts.benchmark!.cifar10).toEqual({ mean: 56, std: expect.closeTo(Math.SQRT2 * 2, 12), n: 2 });
    expect(darts.evaluatedTop1).toEqual({ mean: 0.9, std: null, n: 1 });
    expect(darts.runIds).toEqual([1, 2, 3]);
    expect(drnas.parameterFree).toEqual({ mean: 1 / 6, std: null, n: 1 });
  });
});

describe('studies through the contract', () => {
  let dir: string;
  let host: Host;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nas-study-'));
    host = createHost({ dataDir: dir, mode: 'cli', resourcesDir: resourcesDir(), launcher: fakeLauncher().launcher, watch: false });
  });
  afterEach(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts every run of the plan in a new experiment, queued; bad requests name their field and write nothing', async () => {
    const reply = await host.dispatch('studies.start', { space: 's2', strategies: ['darts', 'sdarts-rs'], seeds: 2 });
    if (!reply.ok) throw new Error(reply.error.message);
    const data = reply.data as { experimentId: number; runs: { name: string; algorithm: string; seed: number }[] };
    expect(data.runs.map((r) => `${r.algorithm}:${r.seed}`)).toEqual(['darts:0', 'darts:1', 'sdarts-rs:0', 'sdarts-rs:1']);
    expect(host.store.experiments.get(data.experimentId)!.name).toMatch(/^Study: darts, sdarts-rs on S2/);
    const before = host.store.runs.list().length;
    for (const [request, field] of [
      [{ space: 's9' }, 'space'],
      [{ space: 's2', strategies: ['darts', 'darts'] }, 'strategies'],
      [{ space: 's2', seeds: 0 }, 'seeds'],
      [{ space: 's2', epochs: 0 }, 'epochs'],
      [{ space: 's2', experimentId: 999 }, 'experimentId'],
    ] as const) {
      const bad = await host.dispatch('studies.start', request);
      expect(bad.ok).toBe(false);
      if (!bad.ok) expect(bad.error.field).toBe(field);
    }
    expect(host.store.runs.list().length).toBe(before);
  });

  it('summarizes what the runs found: parameter-free share, eigenvalues, time and NAS-Bench-201’s accuracy of the cell', async () => {
    const exp = host.store.experiments.create({ name: 'S' });
    // A cell and its test accuracy read from the committed table itself (resources/nb201).
    const table = JSON.parse(readFileSync(join(resourcesDir(), 'nb201', 'cifar10.json'), 'utf8')) as Record<string, { test_acc_200: number }>;
    const [arch, row] = Object.entries(table)[0];
    const run = host.store.runs.create({ experimentId: exp.id, name: 'd', algorithm: 'darts', config: {}, seed: 0 });
    host.store.genotypes.add(run.id, { step: 8, epoch: 1, final: true, genotype: { space: 'nb201', arch } });
    host.store.metrics.append(run.id, [1, 2, 3].map((v, i) => ({ key: 'hessian.eigenvalue', step: i, epoch: i, value: v / 10 })));
    host.store.runs.markStarted(run.id, 'cpu');
    host.store.runs.markFinished(run.id, 'completed');
    host.store.runs.create({ experimentId: exp.id, name: 'plain training', algorithm: 'train', config: {}, seed: 0 });
    const reply = await host.dispatch('studies.summary', { experimentId: exp.id });
    if (!reply.ok) throw new Error(reply.error.message);
    const rows = reply.data as ReturnType<typeof summarizeStudy>;
    expect(rows.map((r) => r.algorithm)).toEqual(['darts']); // plain training is not a search of the study
    expect(rows[0].benchmark!.cifar10.mean).toBe(row.test_acc_200);
    expect(rows[0].firstEigenvalue!.mean).toBeCloseTo(0.1, 6);
    expect(rows[0].lastEigenvalue!.mean).toBeCloseTo(0.3, 6);
    const shareByHand = arch.split(/[|+]/).filter(Boolean).filter((e) => ['none', 'skip_connect', 'avg_pool_3x3'].includes(e.split('~')[0])).length / 6;
    expect(rows[0].parameterFree!.mean).toBeCloseTo(shareByHand, 12);
    expect(rows[0].seconds!.mean).toBeGreaterThanOrEqual(0);
  });
});
