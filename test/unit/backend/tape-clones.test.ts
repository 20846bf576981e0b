import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { installLightTapeClones } from '../../../src-main/engine/backend/tape-clones';
import { initBackends } from './compare';

/** f(x) = Σ x³ through Mul kernels (each saves both inputs) and a customGrad that saves x. */
function cubeSum(x: tf.Tensor): tf.Scalar {
  const square = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [t, save] = args as [tf.Tensor, tf.GradSaveFunc];
    save([t]);
    return { value: tf.mul(t, t), gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => tf.mul(tf.mul(dy as tf.Tensor, saved[0]), 2) };
  });
  return tf.sum(tf.mul(square(x), x));
}

const xs = [0.5, -1.5, 2, 3];

describe.each(['wasm', 'cpu'])('tape clones without kernel calls on %s', (backend) => {
  beforeAll(async () => {
    await initBackends(); // registers our kernels, which installs the light clones
    await tf.setBackend(backend);
  });

  it('is installed and runs no Identity kernel for saved tensors', async () => {
    expect(installLightTapeClones()).toBe(true);
    const x = tf.tensor1d(xs);
    const info = await tf.profile(() => tf.dispose(tf.grad(cubeSum)(x)));
    expect(info.kernelNames).toContain('Multiply');
    expect(info.kernelNames).not.toContain('Identity');
    x.dispose();
  });

  it('gives the exact first derivative 3x² and leaks nothing', () => {
    const x = tf.tensor1d(xs);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const g = tf.grad(cubeSum)(x);
      // 3x² in float32: exact for these inputs (products of dyadic numbers).
      expect(Array.from(g.dataSync())).toEqual(xs.map((v) => 3 * v * v));
      g.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });

  /** Nested gradient scopes keep tfjs's clone with its tape node, so second derivatives flow through saved tensors. */
  it('keeps the second derivative 6x (a gradient of a gradient)', () => {
    const x = tf.tensor1d(xs);
    const plainCube = (t: tf.Tensor) => tf.sum(tf.mul(tf.mul(t, t), t));
    const g2 = tf.grad((t: tf.Tensor) => tf.sum(tf.grad(plainCube)(t)))(x);
    expect(Array.from(g2.dataSync())).toEqual(xs.map((v) => 6 * v));
    tf.dispose([g2, x]);
  });
});
