import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src-main/engine/backend/select';
import { buildEvaluationNetwork } from '../../../src-main/engine/evaluate/build';
import { avgPool3x3ExcludePad, batchNormNoAffine, conv2d, depthwiseConv } from '../../../src-main/engine/ops/primitives';
import { imageMinibatch, loadProxyImages, PROXY_DATASETS } from '../../../src-main/engine/proxies/data';
import { centralDifferenceGrasp, exactGrasp, grasp, hessianVectorProduct } from '../../../src-main/engine/proxies/grasp';
import { lossGradients } from '../../../src-main/engine/proxies/loss';
import { withSecondOrderGradients } from '../../../src-main/engine/proxies/second-order';
import { scoredWeights, type Minibatch } from '../../../src-main/engine/proxies/types';
import { Nb201Cells } from '../../../src-main/engine/search/blackbox/spaces/nb201-cells';
import { Rng } from '../../../src-shared/model/rng';
import { publishedDartsCell } from '../../fixtures/published';

const RESOURCES = join(import.meta.dirname, '..', '..', '..', 'resources');

beforeAll(async () => {
  await selectBackend(); // wasm with the project's kernels: NasReluGrad, the fused batch norm, our conv gradients
});

const rng = new Rng(7);
const randn = (shape: number[]): tf.Tensor => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);
const dot = (a: tf.Tensor[], b: tf.Tensor[]): number => tf.tidy(() => tf.addN(a.map((t, i) => tf.sum(tf.mul(t, b[i])))).dataSync()[0]);

/** H·v of f at xs by double backprop (the grasp path): ∇(∇f · v). */
function exactHvp(f: (...xs: tf.Tensor[]) => tf.Scalar, xs: tf.Tensor[], v: tf.Tensor[]): tf.Tensor[] {
  return withSecondOrderGradients(() =>
    tf.tidy(() => tf.grads((...ys: tf.Tensor[]) => tf.addN(tf.grads(f)(ys).map((g, i) => tf.sum(tf.mul(g, v[i])))) as tf.Scalar)(xs)),
  );
}

/** H·v by the central difference of the first gradient (exact for a quadratic f at any step). */
function differenceHvp(f: (...xs: tf.Tensor[]) => tf.Scalar, xs: tf.Tensor[], v: tf.Tensor[], eps: number): tf.Tensor[] {
  return tf.tidy(() => {
    const at = (s: number) => tf.grads(f)(xs.map((x, i) => tf.add(x, tf.mul(v[i], s * eps))));
    const plus = at(1);
    const minus = at(-1);
    return plus.map((p, i) => tf.div(tf.sub(p, minus[i]), 2 * eps));
  });
}

/** ‖a − b‖ / ‖b‖ over the lists. */
const relativeError = (a: tf.Tensor[], b: tf.Tensor[]): number =>
  tf.tidy(() => Math.sqrt(dot(a.map((t, i) => tf.sub(t, b[i])), a.map((t, i) => tf.sub(t, b[i]))) / dot(b, b)));

describe("the exact Hessian-vector product: each backward kernel's own gradient against central differences", () => {
  // f = Σ c ⊙ B(x, W)², B bilinear: the gradient is quadratic in x alone and in W alone, so the central
  // difference along a direction moving one of them is exact at any step (step 1: no rounding
  // amplification). The two directions give every block: Hxx·v, Hwx·v, then Hxw·u, Hww·u.
  const cases: Record<string, { shapes: number[][]; op: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D; out: number[]; step?: number }> = {
    'conv2d 3×3 stride 2, symmetric padding (Conv2DBackpropInput, Conv2DBackpropFilter)': {
      shapes: [[2, 5, 5, 3], [3, 3, 3, 4]],
      op: (x, w) => conv2d(x, w, 2),
      out: [2, 3, 3, 4],
    },
    'depthwise 3×3 stride 1 (DepthwiseConv2dNativeBackpropInput and …Filter)': {
      shapes: [[2, 4, 4, 3], [3, 3, 3, 1]],
      op: (x, w) => depthwiseConv(x, w, 1),
      out: [2, 4, 4, 3],
    },
    'average pooling 3×3 excluding padding, times a 1×1 conv (the custom gradient: a depthwise input gradient)': {
      shapes: [[2, 4, 4, 3], [1, 1, 3, 2]],
      op: (x, w) => conv2d(avgPool3x3ExcludePad(x, 2), w, 1),
      out: [2, 2, 2, 2],
    },
    'ReLU then 2×2 average pooling then a 1×1 conv (NasReluGrad, AvgPoolGrad)': {
      shapes: [[2, 4, 4, 3], [1, 1, 3, 2]],
      op: (x, w) => tf.conv2d(tf.avgPool(tf.relu(x), 2, 2, 'valid'), w, 1, 'valid'),
      out: [2, 2, 2, 2],
      step: 1e-3, // small enough that no input crosses the ReLU's kink (piecewise quadratic); float32 rounding ~1e-4
    },
  };
  for (const [name, { shapes, op, out, step = 1 }] of Object.entries(cases)) {
    it(`${name}: to ${step === 1 ? '1e-4' : '1e-3'}`, () => {
      const before = tf.memory().numTensors;
      const xs = shapes.map(randn);
      const c = randn(out);
      const f = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(c, tf.square(op(x as tf.Tensor4D, w as tf.Tensor4D)))) as tf.Scalar;
      for (const moved of [0, 1]) {
        const v = shapes.map((s, i) => (i === moved ? randn(s) : tf.zeros(s)));
        const exact = exactHvp(f, xs, v);
        const diff = differenceHvp(f, xs, v, step);
        expect(relativeError(exact, diff)).toBeLessThan(step === 1 ? 1e-4 : 1e-3);
        expect(dot(exact, exact)).toBeGreaterThan(0);
        tf.dispose([...v, ...exact, ...diff]);
      }
      tf.dispose([...xs, c]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('batch norm with batch statistics (smooth, not quadratic), its twice-differentiable form: to 1e-3 at step 1e-2', () => {
    const x = randn([3, 2, 2, 2]);
    const v = randn([3, 2, 2, 2]);
    const c = randn([3, 2, 2, 2]);
    const f = (t: tf.Tensor) => tf.sum(tf.mul(c, tf.pow(batchNormNoAffine(t as tf.Tensor4D), 3))) as tf.Scalar;
    const [exact] = exactHvp(f, [x], [v]);
    const [diff] = differenceHvp(f, [x], [v], 1e-2);
    expect(relativeError([exact], [diff])).toBeLessThan(1e-3);
    tf.dispose([x, v, c, exact, diff]);
  });
});

describe('grasp on real networks (wasm, real Fashion-MNIST)', () => {
  let batch: Minibatch;
  beforeAll(async () => {
    const images = await loadProxyImages(RESOURCES);
    batch = imageMinibatch(images, PROXY_DATASETS.cifar10, 4, new Rng(0).fork('proxy-images'));
  });
  afterAll(() => tf.dispose([batch.images, batch.labels]));
  const small = { channels: 2, layers: 1, network: 'cifar' as const, auxiliary: false };

  it('NB201 (BN, ReLU, convs, both poolings): the whole network\'s H·v is symmetric, uᵀ(Hv) = vᵀ(Hu) to 1e-3, and grasp = −θᵀ(Hg)', () => {
    // A term dropped from the second backward pass (a detached saved tensor) breaks the symmetry; the
    // central difference is no reference here (on a ReLU/BN network in float32 it does not converge: docs/proxies.md).
    const nb201 = new Nb201Cells();
    const genotype = nb201.toGenotype(nb201.fromArchString('|nor_conv_3x3~0|+|avg_pool_3x3~0|nor_conv_1x1~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|'));
    const network = buildEvaluationNetwork(genotype, PROXY_DATASETS.cifar10, small, new Rng(3));
    const weights = scoredWeights(network);
    const before = tf.memory().numTensors;
    const [uHv, vHu] = withSecondOrderGradients(() =>
      tf.tidy(() => {
        const u = weights.map((w) => randn(w.shape));
        const v = weights.map((w) => randn(w.shape));
        return [dot(u, hessianVectorProduct(network, batch, weights, v)), dot(v, hessianVectorProduct(network, batch, weights, u))];
      }),
    );
    expect(Math.abs(uHv - vHu) / Math.abs(uHv)).toBeLessThan(1e-3);
    expect(Math.abs(uHv)).toBeGreaterThan(1e-3);
    const g = tf.tidy(() => lossGradients(network, batch, weights));
    const expected = withSecondOrderGradients(() => tf.tidy(() => -dot(weights, hessianVectorProduct(network, batch, weights, g))));
    expect(Math.abs(exactGrasp(network, batch, weights) - expected)).toBeLessThan(1e-4 * Math.abs(expected));
    tf.dispose(g);
    expect(tf.memory().numTensors).toBe(before);
    network.dispose();
  });

  it('DARTS_V2 (max pooling, dilated convolutions: no second derivative built) takes the central difference', () => {
    const network = buildEvaluationNetwork(publishedDartsCell('DARTS_V2'), PROXY_DATASETS.cifar10, { ...small, layers: 3 }, new Rng(3));
    const before = tf.memory().numTensors;
    const value = grasp(network, batch) as number;
    expect(tf.memory().numTensors).toBe(before);
    expect(value).toBe(centralDifferenceGrasp(network, batch, scoredWeights(network)));
    network.dispose();
  });
});
