import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { installEagerRelease } from '../../../src-main/engine/backend/eager-release';
import { installLightTapeClones } from '../../../src-main/engine/backend/tape-clones';
import { checkpointed } from '../../../src-main/engine/supernet/checkpoint';

beforeAll(async () => {
  await tf.setBackend('cpu');
  expect(installLightTapeClones()).toBe(true);
  expect(installEagerRelease()).toBe(true);
});

/** A customGrad identity whose gradient hands back dy itself (the same object): the case the release must not free twice. */
const passThrough = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  return { value: tf.mul(x, 1), gradFunc: (dy: tf.Tensor | tf.Tensor[]) => [dy as tf.Tensor] };
});

const SIZE = 1 << 16; // 256 KiB per float32 tensor

describe('the backward pass releases each node once used (eager-release.ts)', () => {
  it('frees saved tensors and gradients as it goes: 40 chained ops hold a few tensors at the chain start, not 80', () => {
    const before = tf.memory().numBytes;
    const x = tf.fill([SIZE], 0.5);
    let bytesAtStart = 0;
    // The first op's gradient runs last: it measures what the pass still holds.
    const probe = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const input = args[0] as tf.Tensor;
      return {
        value: tf.mul(input, 1),
        gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
          bytesAtStart = tf.memory().numBytes;
          return [tf.mul(dy as tf.Tensor, 1)];
        },
      };
    });
    const dx = tf.grad((v: tf.Tensor) => {
      let h = probe(v);
      for (let i = 0; i < 40; i++) h = tf.sin(h); // each saves its input: 40 tensors, and 40 gradients follow
      return tf.sum(h);
    })(x);
    // d/dx sum(sin^40(x)) by the chain rule, in float64.
    let value = 0.5;
    let slope = 1;
    for (let i = 0; i < 40; i++) {
      slope *= Math.cos(value);
      value = Math.sin(value);
    }
    expect(dx.dataSync()[0]).toBeCloseTo(slope, 5);
    // Held at that moment: x, the probe's dy and its saved input; tfjs alone would hold ~80 tensors.
    expect((bytesAtStart - before) / (4 * SIZE)).toBeLessThan(8);
    tf.dispose([x, dx]);
    expect(tf.memory().numBytes).toBe(before);
  });

  it('keeps gradients right when a gradient function hands dy on unchanged, along several paths', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([0.3, -1.2, 2]);
    // f = Σ (p(p(x)) · 3 + p(x)²), p the pass-through: f' = 3 + 2x.
    const dx = tf.grad((v: tf.Tensor) => {
      const once = passThrough(v);
      return tf.sum(tf.add(tf.mul(passThrough(once), 3), tf.square(once)));
    })(x);
    expect(Array.from(dx.dataSync())).toEqual([0.3, -1.2, 2].map((v) => expect.closeTo(3 + 2 * v, 5)));
    // One path only: the inner node's dy is the very object the outer node received.
    const chained = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(passThrough(passThrough(passThrough(v))), 3)))(x);
    expect(Array.from(chained.dataSync())).toEqual([3, 3, 3]);
    tf.dispose([x, dx, chained]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("never disposes the caller's dy", () => {
    const x = tf.tensor1d([1, 2]);
    const dy = tf.tensor1d([10, 100]);
    const dx = tf.grad((v: tf.Tensor) => passThrough(tf.mul(v, 2)))(x, dy);
    expect(Array.from(dx.dataSync())).toEqual([20, 200]);
    expect(dy.isDisposed).toBe(false);
    expect(Array.from(dy.dataSync())).toEqual([10, 100]);
    tf.dispose([x, dy, dx]);
  });

  it('gradient checkpointing (a gradient function that takes gradients itself) gets them right', () => {
    const before = tf.memory().numTensors;
    // The block exp(x)·w is recomputed in the backward pass: f = Σ (exp(x)·w)², df/dx = 2 w² exp(2x).
    const w = tf.tidy(() => tf.variable(tf.scalar(1.5)));
    const x = tf.tensor1d([0, 0.5, -1]);
    const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.square(checkpointed(([u]) => tf.mul(tf.exp(u), w), [v], [w]))))(x);
    Array.from(dx.dataSync()).forEach((g, i) => expect(g).toBeCloseTo(2 * 2.25 * Math.exp(2 * [0, 0.5, -1][i]), 4));
    tf.dispose([x, dx, w]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('second derivatives (a gradient of a gradient) are unchanged', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor1d([0.2, 1.1]);
    // f = Σ x³ sin(x): f'' = 6x sin x + 6x² cos x − x³ sin x.
    const second = tf.grad((v: tf.Tensor) => tf.sum(tf.grad((u: tf.Tensor) => tf.sum(tf.mul(tf.pow(u, 3), tf.sin(u))))(v)))(x);
    Array.from(second.dataSync()).forEach((g, i) => {
      const v = [0.2, 1.1][i];
      expect(g).toBeCloseTo(6 * v * Math.sin(v) + 6 * v * v * Math.cos(v) - v ** 3 * Math.sin(v), 4);
    });
    tf.dispose([x, second]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
