import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { NAS_WEIGHTED_SUM, type NasWeightedSumAttrs } from '../../../src-main/engine/backend/kernels/NasWeightedSum';
import { directionalGradCheck, expectClose } from '../ops/gradcheck';
import { initBackends, randomValues, relativeError, runOn } from './compare';

/** The kernel's definition written with plain tf ops (scalar slices, Mul, AddN): the reference. */
function composed(maps: tf.Tensor[], row: tf.Tensor, { terms, constants }: NasWeightedSumAttrs): tf.Tensor {
  const flat = tf.reshape(row, [-1]);
  const weight = (k: number) => tf.reshape(tf.slice(flat, [k], [1]), []);
  let out: tf.Tensor = tf.addN(maps.map((m, i) => tf.mul(m, weight(terms[i]))));
  for (const j of constants) out = tf.add(out, weight(j));
  return out;
}

function kernel(maps: tf.Tensor[], row: tf.Tensor, attrs: NasWeightedSumAttrs): tf.Tensor {
  return tf.engine().runKernel(NAS_WEIGHTED_SUM, [...maps, row] as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

const cases: [string, number[], NasWeightedSumAttrs, number][] = [
  ['DARTS edge: 7 maps, `none` (index 0) skipped', [2, 6, 5, 8], { terms: [1, 2, 3, 4, 5, 6, 7], constants: [] }, 8],
  ['GDAS edge: one map, the other weights as constants', [2, 6, 5, 8], { terms: [3], constants: [0, 1, 2, 4, 5, 6, 7] }, 8],
  ['size not a multiple of 4 (JS tail), weights out of order', [3, 5, 3, 3], { terms: [2, 0], constants: [1] }, 3],
  ['fewer than 4 elements (no SIMD part)', [1, 1, 1, 3], { terms: [0, 1], constants: [] }, 2],
];

/** Forward value and the gradients of Σ out·R with respect to every map and the row. */
function valueAndGrads(f: typeof kernel, mapValues: Float32Array[], rowValues: Float32Array, r: Float32Array, shape: number[], attrs: NasWeightedSumAttrs) {
  return () => {
    const maps = mapValues.map((v) => tf.tensor(v, shape));
    const row = tf.tensor2d(rowValues, [1, rowValues.length]);
    const loss = (...args: tf.Tensor[]) => tf.sum(tf.mul(f(args.slice(0, -1), args[args.length - 1], attrs), tf.tensor(r, shape)));
    const grads = tf.grads(loss)([...maps, row]);
    return [f(maps, row, attrs), ...grads];
  };
}

describe('NasWeightedSum on wasm', () => {
  beforeAll(initBackends);

  it.each(cases)('%s: value and every gradient equal the composed tf ops on the cpu backend (1e-5 relative)', async (_, shape, attrs, k) => {
    const rng = new Rng(shape.reduce((a, b) => a * b, k));
    const size = tf.util.sizeFromShape(shape);
    const mapValues = attrs.terms.map(() => randomValues(rng, size));
    const rowValues = randomValues(rng, k);
    const r = randomValues(rng, size);
    const wasm = await runOn('wasm', valueAndGrads(kernel, mapValues, rowValues, r, shape, attrs));
    const cpu = await runOn('cpu', valueAndGrads(composed, mapValues, rowValues, r, shape, attrs));
    await tf.setBackend('wasm');
    expect(wasm.length).toBe(attrs.terms.length + 2);
    wasm.forEach((w, i) => expect(relativeError(w, cpu[i])).toBeLessThan(1e-5));
    // The row's gradient: 0 where no map or constant uses the weight.
    const used = new Set([...attrs.terms, ...attrs.constants]);
    wasm[wasm.length - 1].forEach((g, j) => {
      if (!used.has(j)) expect(g).toBe(0);
    });
  });

  it('gradients agree with central finite differences in random directions', async () => {
    await tf.setBackend('wasm');
    const rng = new Rng(11);
    const shape = [2, 7, 7, 8];
    const attrs: NasWeightedSumAttrs = { terms: [1, 3, 4], constants: [0, 2] };
    const maps = attrs.terms.map(() => tf.variable(tf.tensor(randomValues(rng, tf.util.sizeFromShape(shape)), shape)));
    const row = tf.tensor2d(randomValues(rng, 5), [1, 5]);
    for (const result of directionalGradCheck((w) => kernel(maps, w, attrs), row, maps, rng, { h: 1e-2 })) {
      expectClose(result, 1e-3, 1e-2);
    }
    tf.dispose([...maps, row]);
  });

  it('computes the row gradient only when asked: a weight step (row fixed) runs no NasWeightedSumRowGrad', async () => {
    await tf.setBackend('wasm');
    const attrs: NasWeightedSumAttrs = { terms: [0, 1], constants: [] };
    const maps = [tf.variable(tf.ones([2, 4])), tf.variable(tf.ones([2, 4]))];
    const row = tf.variable(tf.tensor2d([[0.25, 0.75]]));
    const kernelsOf = async (vars: tf.Variable[]) => {
      const info = await tf.profile(() => tf.dispose(tf.variableGrads(() => tf.sum(kernel(maps, row, attrs)) as tf.Scalar, vars).grads));
      return info.kernelNames;
    };
    expect(await kernelsOf(maps)).not.toContain('NasWeightedSumRowGrad');
    expect(await kernelsOf([row])).toContain('NasWeightedSumRowGrad');
    tf.dispose([...maps, row]);
  });

  it('refuses maps of different shapes and indices outside the row, saying which', async () => {
    await tf.setBackend('wasm');
    const row = tf.ones([1, 3]);
    expect(() => kernel([tf.ones([2, 4]), tf.ones([4, 2])], row, { terms: [0, 1], constants: [] })).toThrow(/all maps must have one shape/);
    expect(() => kernel([tf.ones([2, 4])], row, { terms: [3], constants: [] })).toThrow(/weight index 3 outside the row of 3 weights/);
    tf.dispose(row);
  });
});
