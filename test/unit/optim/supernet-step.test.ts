import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { crossEntropy } from '../../../src-main/engine/evaluate/classification';
import { SgdMomentum, clipByGlobalNorm, clipScale, globalNorm, gradsInOrder } from '../../../src-main/engine/optim/optimizers';
import { softmaxWeights } from '../../../src-main/engine/supernet/arch-params';
import { DartsSupernet } from '../../../src-main/engine/supernet/darts-network';
import { initBackends, relativeError } from '../backend/compare';
import { onPath, type Path } from './helpers';

/**
 * Weights of a small DARTS supernet after 3 clipped weight steps on wasm. 'before' is the code this
 * branch replaced: clipByGlobalNorm's Mul per gradient, then the composed SGD step.
 */
function train(path: Path, style: 'scale' | 'before'): Float32Array[] {
  const rng = new Rng(4);
  const net = new DartsSupernet({ kind: 'darts', layers: 2, channels: 4, nodes: 2, stemMultiplier: 1 }, { inChannels: 1, numClasses: 3 }, rng.fork('net'));
  const x = tf.tensor4d(Float32Array.from({ length: 2 * 8 * 8 }, () => rng.normal()), [2, 8, 8, 1]);
  const y = tf.tensor1d([0, 2], 'int32');
  const weights = net.params.list();
  const sgd = new SgdMomentum(0.9, 3e-4);
  const startTensors = tf.memory().numTensors;
  for (let step = 0; step < 3; step++) {
    const { value, grads } = tf.variableGrads(() => crossEntropy(net.forward(x, softmaxWeights(net.arch)), y), weights);
    value.dispose();
    const ordered = gradsInOrder(weights, grads);
    if (style === 'scale') {
      const scale = clipScale(globalNorm(ordered), 0.05);
      expect(scale).toBeLessThan(1); // the clip must apply for the comparison to mean anything
      sgd.step(weights, ordered, 0.1, scale);
      tf.dispose(ordered);
    } else {
      const { clipped } = clipByGlobalNorm(ordered, 0.05);
      sgd.step(weights, clipped, 0.1);
      tf.dispose(clipped);
    }
    if (step > 0) expect(tf.memory().numTensors).toBe(startTensors + weights.length); // + the momentum buffers
  }
  const out = weights.map((w) => w.dataSync() as Float32Array);
  sgd.dispose();
  net.dispose();
  tf.dispose([x, y]);
  return out;
}

describe('a DARTS supernet weight step on wasm', () => {
  beforeAll(initBackends);
  it('fused (scale into the step) matches the composed clip-then-step to 1e-5 relative, no tensor growth', async () => {
    const fused = await onPath('wasm', 'fused', () => train('fused', 'scale'));
    const before = await onPath('wasm', 'composed', () => train('composed', 'before'));
    expect(fused.length).toBeGreaterThan(20);
    fused.forEach((f, i) => expect(relativeError(f, before[i])).toBeLessThan(1e-5));
  });
});
