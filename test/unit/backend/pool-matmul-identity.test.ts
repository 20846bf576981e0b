import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { initBackends, randomValues, TOLERANCE, wasmVsCpu } from './compare';

describe('pooling gradients, transposed matMul and Identity on wasm', () => {
  beforeAll(initBackends);

  const pools = [];
  for (const kind of ['max', 'avg'] as const) {
    for (const stride of [1, 2]) {
      for (const pad of ['same', 'valid'] as const) {
        for (const [size, c, batch, k] of [
          [8, 16, 2, 3],
          [9, 3, 1, 3],
          [7, 5, 1, 2],
          [10, 8, 1, 3],
        ]) {
          pools.push([`${kind} ${k}x${k} s${stride} ${pad} ${size}px C${c} batch ${batch}`, { kind, stride, pad, size, c, batch, k }] as const);
        }
      }
    }
  }

  it.each(pools)('tf.grad of %s matches cpu', async (_, p) => {
    const rng = new Rng(p.size * 7 + p.stride + p.c);
    const xs = randomValues(rng, p.batch * p.size * p.size * p.c);
    const error = await wasmVsCpu(() => {
      const x = tf.tensor4d(xs, [p.batch, p.size, p.size, p.c]);
      const pool = p.kind === 'max' ? tf.maxPool : tf.avgPool;
      // The cube makes dy differ from pixel to pixel.
      return tf.grad((a: tf.Tensor) => tf.sum(tf.pow(pool(a as tf.Tensor4D, p.k, p.stride, p.pad), 3)))(x);
    });
    expect(error).toBeLessThan(TOLERANCE);
  });

  it('max pooling sends a tied window gradient to its first maximum, as cpu does', async () => {
    const rng = new Rng(5);
    // Small integers: many windows hold the same maximum twice.
    const xs = Float32Array.from({ length: 2 * 6 * 6 * 4 }, () => rng.int(3));
    const error = await wasmVsCpu(() => {
      const x = tf.tensor4d(xs, [2, 6, 6, 4]);
      return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, 3, 1, 'same'), tf.range(1, 1 + 2 * 6 * 6 * 4).reshape([2, 6, 6, 4]))))(x);
    });
    expect(error).toBe(0);
  });

  it.each([
    [false, false, [5, 7], [7, 3]],
    [true, false, [7, 5], [7, 3]],
    [false, true, [5, 7], [3, 7]],
    [true, true, [7, 5], [3, 7]],
    [true, false, [4, 7, 5], [4, 7, 3]],
    [false, true, [4, 5, 7], [3, 7]],
  ] as const)('matMul transposeA=%s transposeB=%s of %j and %j (and its gradients) match cpu', async (ta, tb, aShape, bShape) => {
    // tfjs's BatchMatMul gradient does not reduce a broadcast batch (it fails on cpu too): forward only.
    const broadcast = aShape.length !== bShape.length;
    const rng = new Rng(aShape.length * 10 + bShape.length);
    const as = randomValues(rng, tf.util.sizeFromShape([...aShape]));
    const bs = randomValues(rng, tf.util.sizeFromShape([...bShape]));
    const error = await wasmVsCpu(() => {
      const a = tf.tensor(as, [...aShape]);
      const b = tf.tensor(bs, [...bShape]);
      const product = tf.matMul(a, b, ta, tb);
      if (broadcast) return product;
      const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y, ta, tb))))([a, b]);
      return [product, da, db];
    });
    expect(error).toBeLessThan(TOLERANCE);
  });

  it('Identity shares the buffer: a clone allocates nothing and outlives its source', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor1d([1, 2, 3]);
    const buffersBefore = tf.engine().backend.numDataIds();
    const y = tf.clone(x);
    expect(tf.engine().backend.numDataIds()).toBe(buffersBefore);
    x.dispose();
    expect(Array.from(await y.data())).toEqual([1, 2, 3]);
    y.dispose();
    expect(tf.engine().backend.numDataIds()).toBe(buffersBefore - 1);
  });

  it('a training step with every replaced kernel leaks no tensor and no wasm buffer', async () => {
    await tf.setBackend('wasm');
    const rng = new Rng(11);
    const x = tf.tensor4d(randomValues(rng, 2 * 8 * 8 * 4), [2, 8, 8, 4]);
    const weights = {
      conv: tf.variable(tf.tensor4d(randomValues(rng, 3 * 3 * 4 * 4), [3, 3, 4, 4])),
      depth: tf.variable(tf.tensor4d(randomValues(rng, 3 * 3 * 4), [3, 3, 4, 1])),
      dense: tf.variable(tf.tensor2d(randomValues(rng, 64 * 3), [64, 3])),
    };
    const step = () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const a = tf.conv2d(tf.relu(x), weights.conv, 2, 'same');
          const b = tf.depthwiseConv2d(tf.maxPool(x, 3, 2, 'same'), weights.depth, 1, 'same');
          const c = tf.avgPool(tf.add(a, b) as tf.Tensor4D, 3, 1, 'same');
          return tf.sum(tf.square(tf.matMul(tf.reshape(c, [2, 64]), weights.dense)));
        });
        for (const [name, g] of Object.entries(grads)) {
          const v = Object.values(weights).find((w) => w.name === name);
          v?.assign(tf.sub(v, tf.mul(0.01, g)));
        }
        return value.dataSync()[0];
      });
    step();
    const tensors = tf.memory().numTensors;
    const buffers = tf.engine().backend.numDataIds();
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
    tf.dispose([x, ...Object.values(weights)]);
  });
});
