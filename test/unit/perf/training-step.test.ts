import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { DartsSupernet, type SupernetOptions } from '../../../src-main/engine/supernet/darts-network';
import { archVariables, softmaxWeights } from '../../../src-main/engine/supernet/arch-params';
import { crossEntropy } from '../../../src-main/engine/evaluate/classification';
import { initBackends, relativeError } from '../backend/compare';

/** A small DARTS supernet (3 cells: normal, reduce, reduce; all 8 ops) and one batch, from a seed. */
function gradientsOf(options: SupernetOptions): { names: string[]; values: Float32Array[]; loss: number } {
  const net = new DartsSupernet({ kind: 'darts', layers: 3, channels: 4, nodes: 2 }, { inChannels: 2, numClasses: 3 }, new Rng(7), options);
  const rng = new Rng(11);
  const x = tf.tensor4d(Float32Array.from({ length: 3 * 8 * 8 * 2 }, () => rng.normal()), [3, 8, 8, 2]);
  const y = tf.tensor1d([0, 2, 1], 'int32');
  const variables = [...net.params.list(), ...archVariables(net)];
  const { value, grads } = tf.variableGrads(() => crossEntropy(net.forward(x, softmaxWeights(net.arch)), y), variables);
  const names = variables.map((v) => v.name);
  const values = names.map((n) => grads[n].dataSync() as Float32Array);
  const loss = value.dataSync()[0];
  tf.dispose([value, x, y, ...Object.values(grads)]);
  net.dispose();
  return { names, values, loss };
}

/** Largest relative error over all gradients, each relative to its own scale. */
function worst(a: Float32Array[], b: Float32Array[]): number {
  return Math.max(...a.map((g, i) => relativeError(g, b[i])));
}

describe('a whole DARTS training step', () => {
  beforeAll(initBackends);

  /** float32 through ~25 layers of BN on 2–3 samples; measured ~1e-5, bound 1e-3. */
  it('gives the same loss and gradients (weights and α) on wasm as on cpu', async () => {
    const wasm = gradientsOf({});
    await tf.setBackend('cpu');
    const cpu = gradientsOf({});
    await tf.setBackend('wasm');
    expect(wasm.names.length).toBe(cpu.names.length);
    expect(Math.abs(wasm.loss - cpu.loss)).toBeLessThan(1e-5);
    expect(worst(wasm.values, cpu.values)).toBeLessThan(1e-3);
  });

  it.each(['cells', 'edges'] as const)('gives the same gradients recomputing the %s as without (cpu, to 1e-5)', async (recompute) => {
    await tf.setBackend('cpu');
    const plain = gradientsOf({});
    const recomputed = gradientsOf({ recompute });
    await tf.setBackend('wasm');
    expect(recomputed.loss).toBeCloseTo(plain.loss, 6);
    expect(worst(recomputed.values, plain.values)).toBeLessThan(1e-5);
  });

  it.each(['cells', 'edges'] as const)('recomputing the %s on wasm leaks no tensors over repeated steps', (recompute) => {
    gradientsOf({ recompute });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) gradientsOf({ recompute });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses recomputation with the noise op, which draws anew when a cell is recomputed', () => {
    expect(
      () => new DartsSupernet({ kind: 'darts', layers: 3, channels: 4, nodes: 2, ops: ['noise', 'skip_connect'] }, { inChannels: 1, numClasses: 2 }, new Rng(1), { recompute: 'cells' }),
    ).toThrow(/noise/);
  });
});
