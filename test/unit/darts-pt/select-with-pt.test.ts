import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { RunConfig } from '../../../src-shared/model/run-config';
import { saveCheckpoint } from '../../../src-main/engine/checkpoint/resume';
import { strategyFor } from '../../../src-main/engine/search/registry';
import type { Reporter, SearchStrategy } from '../../../src-main/engine/search/strategy';
import type { OneShotSearch } from '../../../src-main/engine/search/oneshot/template';
import type { PtSelectStrategy } from '../../../src-main/engine/search/oneshot/darts-pt-select';
import { resourcesDir } from '../../../src-main/host/paths';
import { initBackends } from '../backend/compare';

beforeAll(initBackends);
const dir = mkdtempSync(join(tmpdir(), 'nas-pt-select-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const silent: Reporter = { metrics() {}, genotype() {}, artifact() {}, log() {}, progress() {} };
const SOURCE = {
  algorithm: 'drnas',
  dataset: { name: 'embedded', trainLimit: 48, testLimit: 20 },
  space: { kind: 'darts', ops: ['none', 'max_pool_3x3', 'skip_connect', 'sep_conv_3x3'], nodes: 1, layers: 3, channels: 2, stemMultiplier: 1 },
  batchSize: 4, epochs: 2, batchesPerEpoch: 2, validBatches: 1, reportEvery: 1, seed: 4, hessianEvery: 0,
};

async function build(input: unknown, reporter: Reporter = silent): Promise<SearchStrategy> {
  const config = RunConfig.parse(input);
  return strategyFor(config)({ config, rng: new Rng(config.seed), reporter, resourcesDir: resourcesDir() });
}

const weightsOf = (s: OneShotSearch<never>) => [...s.net.arch.flatMap((a) => [...a.alpha.dataSync()]), ...s.net.params.list().flatMap((w) => [...w.dataSync()])];

describe('Select with PT on a finished run', () => {
  it('rebuilds the finished supernet bit for bit from the run\'s last checkpoint, then projects it; tensors flat', async () => {
    const before = tf.memory().numTensors;
    // The source run: a checkpoint after step 3 of 4 (a finished run keeps none of its last step).
    const source = (await build(SOURCE)) as unknown as OneShotSearch<never>;
    for (let i = 0; i < 3; i++) await source.step();
    const written = saveCheckpoint(dir, source, { algorithm: 'drnas', step: 3, epoch: 1 });
    await source.step();
    const finished = weightsOf(source);
    source.dispose();

    const artifacts: unknown[] = [];
    const finals: unknown[] = [];
    const reporter: Reporter = { ...silent, artifact: (kind, _s, data) => (kind === 'pt.selection' ? artifacts.push(data) : undefined), genotype: (g, info) => (info.final ? finals.push(g) : undefined) };
    const config = { ...SOURCE, algorithm: 'darts-pt', projectionInterval: 1, source: { runId: 9, config: SOURCE, checkpoint: { file: written.file, step: 3, sha256: written.sha256 } } };
    const pt = (await build(config, reporter)) as PtSelectStrategy;
    // 1 step to the source's end, then 2 rounds (2 edges, no node with more than 2 inputs) and 1 epoch (2 steps) between.
    expect(pt.totalSteps).toBe(1 + 2 + 2);
    await pt.step();
    expect(weightsOf(pt['source'] as unknown as OneShotSearch<never>)).toEqual(finished);
    expect(artifacts).toHaveLength(0);
    await pt.step(); // first decision
    await pt.step(); // first fine-tuning step: creates the momentum buffers
    const count = tf.memory().numTensors;
    let done = false;
    while (!done) done = (await pt.step()).done;
    expect(tf.memory().numTensors).toBe(count);
    expect(artifacts).toHaveLength(2);
    expect(finals).toEqual([pt.genotype()]);
    pt.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a damaged checkpoint, naming the source run', async () => {
    const config = { ...SOURCE, algorithm: 'darts-pt', source: { runId: 9, config: SOURCE, checkpoint: { file: join(dir, 'missing.ckpt'), step: 3, sha256: '0'.repeat(64) } } };
    const before = tf.memory().numTensors;
    await expect(build(config)).rejects.toThrow(/Select with PT cannot use run 9's checkpoint: checkpoint .*missing\.ckpt is missing/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
