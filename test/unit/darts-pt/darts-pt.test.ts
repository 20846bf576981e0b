import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DartsPtConfig } from '../../../src-shared/model/algorithms/darts-pt';
import { Rng } from '../../../src-shared/model/rng';
import type { PtOpDecision, PtSelectionArtifact } from '../../../src-shared/model/pt-selection';
import { scoreBatches } from '../../../src-main/engine/evaluate/classification';
import type { Batch } from '../../../src-main/engine/data/batches';
import { createDartsPtStrategy, type DartsPtStrategy } from '../../../src-main/engine/search/oneshot/darts-pt';
import type { Reporter } from '../../../src-main/engine/search/strategy';
import { resourcesDir } from '../../../src-main/host/paths';
import { initBackends } from '../backend/compare';
import { softmax } from '../proxies/tiny-network';

beforeAll(initBackends);

const SPACE = { kind: 'darts', ops: ['none', 'max_pool_3x3', 'skip_connect', 'sep_conv_3x3'], nodes: 2, layers: 3, channels: 2, stemMultiplier: 1 };
const BASE = { algorithm: 'darts-pt', dataset: { name: 'embedded', trainLimit: 48, testLimit: 20 }, space: SPACE, batchSize: 4, epochs: 1, batchesPerEpoch: 2, validBatches: 2, reportEvery: 1, seed: 7, hessianEvery: 0 };

function recorder() {
  const artifacts: PtSelectionArtifact[] = [];
  const finals: unknown[] = [];
  const reporter: Reporter = {
    metrics() {},
    genotype: (g, info) => (info.final ? finals.push(g) : undefined),
    artifact: (kind, _step, data) => (kind === 'pt.selection' ? artifacts.push(structuredClone(data) as PtSelectionArtifact) : undefined),
    log() {},
    progress() {},
  };
  return { reporter, artifacts, finals };
}

async function build(input: unknown, reporter: Reporter): Promise<DartsPtStrategy> {
  const config = DartsPtConfig.parse(input);
  return (await createDartsPtStrategy({ config, rng: new Rng(config.seed), reporter, resourcesDir: resourcesDir() })) as DartsPtStrategy;
}

function* first(batches: Iterable<Batch>, n: number): Generator<Batch> {
  let i = 0;
  for (const b of batches) {
    yield b;
    if (++i >= n) return;
  }
}

describe('DARTS-PT on a real supernet', () => {
  it('scores each op removal as the network masked by hand does, and answers the projection\'s cell', async () => {
    // α fixed and no fine-tuning: after the search nothing moves, so every round can be re-scored independently.
    const rec = recorder();
    const s = await build({ ...BASE, fixAlpha: true, projectionInterval: 0 }, rec.reporter);
    const net = s['net'];
    const data = s['data'];
    while (!(await s.step()).done);
    expect(rec.artifacts).toHaveLength(6); // 5 edges, then node 1's inputs
    const last = rec.artifacts.at(-1)!;
    expect(last.done).toBe(true);
    // softmax(α) by hand from α's values; decided edges one-hot, the edge under test with op k zeroed.
    const alpha = Object.fromEntries(net.arch.map((a) => [a.kind, (a.alpha.arraySync() as number[][]).map(softmax)]));
    const decided: PtOpDecision[] = [];
    for (const d of last.decisions.filter((x): x is PtOpDecision => x.kind === 'op').slice(0, 4)) {
      for (let k = 0; k < d.ops.length; k++) {
        if (d.ops[k] === 'none') {
          expect(d.scores[k]).toBeNull();
          continue;
        }
        const rows = structuredClone(alpha);
        for (const p of decided) rows[p.cell][p.edge] = p.ops.map((_, j) => (j === p.chosen ? 1 : 0));
        rows[d.cell][d.edge][k] = 0;
        const weights = { normal: { weights: tf.tensor2d(rows.normal) }, reduce: { weights: tf.tensor2d(rows.reduce) } };
        const { acc } = await scoreBatches((x) => net.forward(x, weights), first(data.validation(), 2));
        tf.dispose([weights.normal.weights, weights.reduce.weights]);
        expect(d.scores[k]).toBeCloseTo(acc, 6);
      }
      expect(d.scores[d.chosen]).toBe(Math.min(...d.scores.filter((v): v is number => v !== null)));
      decided.push(d);
    }
    // The answer is the projection's cell: each kept edge carries its decided op.
    const g = s.genotype();
    expect(rec.finals).toEqual([g]);
    if (g.space !== 'darts') throw new Error('expected a DARTS cell');
    const opOf = (cell: string, edge: number) => {
      const d = last.decisions.find((x): x is PtOpDecision => x.kind === 'op' && x.cell === cell && x.edge === edge)!;
      return d.ops[d.chosen];
    };
    expect(g.normal.slice(0, 2)).toEqual([[opOf('normal', 0), 0], [opOf('normal', 1), 1]]);
    s.dispose();
  });

  it('keeps the tensor count flat through search, decisions and fine-tuning, and frees everything', async () => {
    const before = tf.memory().numTensors;
    const s = await build({ ...BASE, projectionInterval: 1 }, recorder().reporter);
    // Step 1 creates α's Adam moments, step 4 (the first fine-tuning step) the fine-tuning momentum.
    for (let i = 0; i < 4; i++) await s.step();
    const count = tf.memory().numTensors;
    let done = false;
    while (!done) done = (await s.step()).done;
    expect(tf.memory().numTensors).toBe(count);
    s.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
