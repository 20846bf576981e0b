import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SgdMomentum } from '../../../src-main/engine/optim/optimizers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The weight after SGD steps from w = 1 with the given gradients (μ = 0.9, wd = 0.1, lr = 0.1). */
function weightAfter(nesterov: boolean, gradients: number[]): number {
  const w = tf.variable(tf.scalar(1));
  const sgd = new SgdMomentum(0.9, 0.1, nesterov);
  for (const g of gradients) {
    const grad = tf.scalar(g);
    sgd.step([w], [grad], 0.1);
    grad.dispose();
  }
  const value = w.dataSync()[0];
  w.dispose();
  sgd.dispose();
  return value;
}

describe('SGD with Nesterov momentum (torch.optim.SGD nesterov=True)', () => {
  it('takes the steps worked by hand', () => {
    // Step 1: d = 0.5 + 0.1·1 = 0.6; buf = 0.6; step d + μ·buf = 1.14; w = 1 − 0.1·1.14 = 0.886.
    expect(weightAfter(true, [0.5])).toBeCloseTo(0.886, 6);
    // Step 2: d = −0.2 + 0.1·0.886 = −0.1114; buf = 0.9·0.6 − 0.1114 = 0.4286;
    // step = −0.1114 + 0.9·0.4286 = 0.27434; w = 0.886 − 0.027434 = 0.858566.
    expect(weightAfter(true, [0.5, -0.2])).toBeCloseTo(0.858566, 6);
    // Plain momentum steps by buf alone: w = 1 − 0.1·0.6 = 0.94.
    expect(weightAfter(false, [0.5])).toBeCloseTo(0.94, 6);
  });
});
