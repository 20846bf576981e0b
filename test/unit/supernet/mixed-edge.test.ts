import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { DARTS_OPS } from '../../../src-shared/model/space';
import { dartsEdgeOp } from '../../../src-main/engine/ops/darts-ops';
import { ParamStore } from '../../../src-main/engine/ops/params';
import type { Stride } from '../../../src-main/engine/ops/primitives';
import { isReluFirst } from '../../../src-main/engine/ops/types';
import { softmaxWeights } from '../../../src-main/engine/supernet/arch-params';
import { DartsSupernet, type SupernetOptions } from '../../../src-main/engine/supernet/darts-network';
import { Nb201Supernet } from '../../../src-main/engine/supernet/nb201-network';
import { edgeRow, mixedEdge, type EdgeCandidate } from '../../../src-main/engine/supernet/mixed-edge';
import { initBackends, randomValues, relativeError, runOn } from '../backend/compare';
import { registerTrainingKernels } from '../../../src-main/engine/backend/kernels/index';
import { NAS_WEIGHTED_SUM } from '../../../src-main/engine/backend/kernels/NasWeightedSum';

/** Σ_k w_k·op_k(x) as written before the fused edge: every op applies its own ReLU, weights as scalars, Mul per op, AddN. */
function previousMixedEdge(candidates: EdgeCandidate[], x: tf.Tensor4D, weights: tf.Tensor2D, e: number, active?: number): tf.Tensor {
  const w = candidates.map((_, k) => tf.reshape(tf.slice(weights, [e, k], [1, 1]), []));
  const maps: tf.Tensor[] = [];
  const scalars: tf.Tensor[] = [];
  candidates.forEach((c, k) => {
    if (active !== undefined && k !== active) scalars.push(w[k]);
    else if (!c.zero) maps.push(tf.mul(c.op(x), w[k]));
  });
  const out = tf.addN(maps);
  return scalars.length ? tf.add(out, tf.addN(scalars)) : out;
}

const C = 8;
const alphaValues = randomValues(new Rng(3), 2 * DARTS_OPS.length);

/**
 * One DARTS edge with all eight ops (weights drawn from a fixed seed, so equal on every backend):
 * the edge output and its gradients with respect to x, α (through the softmax) and every op weight.
 */
function edgeValueAndGrads(stride: Stride, xValues: Float32Array, r: Float32Array, formula: 'fused' | 'previous', active?: number) {
  return () => {
    const params = new ParamStore(new Rng(7));
    const ctx = { params, affine: false, rng: new Rng(8) };
    const candidates = DARTS_OPS.map((op) => ({ op: dartsEdgeOp(op)(C, stride, { ...ctx, name: op }), zero: op === 'none' }));
    const x = tf.tensor4d(xValues, [2, 8, 8, C]);
    const alpha = tf.variable(tf.tensor2d(alphaValues, [2, DARTS_OPS.length]));
    const edge = (input: tf.Tensor4D) => {
      const weights = softmaxWeights([{ kind: 'normal', alpha, edgeOps: [] }], [alpha]).normal!.weights;
      return formula === 'fused' ? mixedEdge(candidates, stride, input, edgeRow(weights, 1), active) : previousMixedEdge(candidates, input, weights, 1, active);
    };
    const rTensor = tf.tensor(r, [2, 8 / stride, 8 / stride, C]);
    const loss = (input: tf.Tensor4D) => tf.sum(tf.mul(edge(input), rTensor)) as tf.Scalar;
    const vars = [alpha, ...params.list()];
    const { value, grads } = tf.variableGrads(() => loss(x), vars);
    value.dispose();
    const gx = tf.grad((input: tf.Tensor) => loss(input as tf.Tensor4D))(x);
    // With `active`, the ops that do not run have no gradient (on either formulation).
    const out = [edge(x), gx, ...vars.filter((v) => grads[v.name] !== undefined).map((v) => grads[v.name])];
    tf.dispose([alpha, ...params.list()]);
    return out;
  };
}

describe('fused mixed edge (shared ReLU, NasWeightedSum) against the previous formulation', () => {
  beforeAll(initBackends);
  afterAll(() => tf.setBackend('wasm'));

  const cases: [string, Stride, number | undefined][] = [
    ['stride 1, all eight ops', 1, undefined],
    ['stride 2 (FactorizedReduce skip), all eight ops', 2, undefined],
    ['GDAS: only sep_conv_5x5 runs, the other weights as constants', 1, DARTS_OPS.indexOf('sep_conv_5x5')],
  ];
  it.each(cases)('%s: value and gradients (x, α, op weights) on wasm and on cpu equal the previous one on cpu (1e-5 relative)', async (_, stride, active) => {
    const rng = new Rng(stride * 10 + (active ?? 0));
    const xValues = randomValues(rng, 2 * 8 * 8 * C);
    const r = randomValues(rng, (2 * 8 * 8 * C) / (stride * stride));
    const reference = await runOn('cpu', edgeValueAndGrads(stride, xValues, r, 'previous', active));
    for (const backend of ['wasm', 'cpu']) {
      const fused = await runOn(backend, edgeValueAndGrads(stride, xValues, r, 'fused', active));
      expect(fused.length).toBe(reference.length);
      fused.forEach((values, i) => expect(relativeError(values, reference[i]), `${backend}, output ${i}`).toBeLessThan(1e-5));
    }
  });

  it('computes one ReLU of the edge input for the five ReLU-first ops (the sep convs keep their inner one)', async () => {
    await tf.setBackend('wasm');
    const ctx = { params: new ParamStore(new Rng(1)), affine: false, rng: new Rng(2) };
    const candidates = DARTS_OPS.map((op) => ({ op: dartsEdgeOp(op)(C, 2, { ...ctx, name: op }), zero: op === 'none' }));
    expect(DARTS_OPS.filter((_, k) => isReluFirst(candidates[k].op))).toEqual(['skip_connect', 'sep_conv_3x3', 'sep_conv_5x5', 'dil_conv_3x3', 'dil_conv_5x5']);
    const info = await tf.profile(() => tf.dispose(mixedEdge(candidates, 2, tf.ones([1, 8, 8, C]), tf.ones([1, DARTS_OPS.length]))));
    expect(info.kernels.filter((k) => k.name === 'Relu').length).toBe(3);
    expect(info.kernels.filter((k) => k.name === 'NasWeightedSum').length).toBe(1);
    ctx.params.dispose();
  });
});

describe('supernets with fused edges', () => {
  beforeAll(initBackends);
  afterAll(() => tf.setBackend('wasm'));
  const space = { kind: 'darts', channels: 4, layers: 3, nodes: 2 };
  const shape = { inChannels: 1, numClasses: 3 };

  /** Logits and the gradients of a fixed projection of them with respect to every weight and α. */
  function networkValueAndGrads(xValues: Float32Array, options: SupernetOptions = {}) {
    return () => {
      const net = new DartsSupernet(space, shape, new Rng(5), options);
      const x = tf.tensor4d(xValues, [2, 8, 8, 1]);
      const vars = [...net.params.list(), ...net.arch.map((a) => a.alpha)];
      const logits = () => net.forward(x, softmaxWeights(net.arch));
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(logits(), tf.tensor2d([[1, -2, 0.5], [0.3, 1, -1]]))) as tf.Scalar, vars);
      const out = [logits(), ...vars.map((v) => grads[v.name])];
      net.dispose();
      return out;
    };
  }

  it('logits and all gradients with the wasm kernel equal the tf-op composition on wasm (1e-5) and on cpu (2e-4 relative)', async () => {
    const xValues = randomValues(new Rng(9), 2 * 8 * 8);
    const fused = await runOn('wasm', networkValueAndGrads(xValues));
    // Without the kernel, mixedEdge composes slices, Muls and AddN (the cpu and tfjs-node path).
    tf.unregisterKernel(NAS_WEIGHTED_SUM, 'wasm');
    const composed = await runOn('wasm', networkValueAndGrads(xValues)).finally(registerTrainingKernels);
    const cpu = await runOn('cpu', networkValueAndGrads(xValues));
    expect(fused.length).toBe(cpu.length);
    fused.forEach((values, i) => expect(relativeError(values, composed[i]), `output ${i}`).toBeLessThan(1e-5));
    // The two backends' convolutions alone differ by ~1e-5 over a network; the worst of ~170 outputs
    // reached 6.7e-5 with XNNPACK's depthwise and 1.1e-4 with the SIMD one (FMA) on this seed, with
    // no bias over six seeds (docs/simd-kernels.md): float32 rounding amplified by batch-2 BN.
    fused.forEach((values, i) => expect(relativeError(values, cpu[i]), `output ${i}`).toBeLessThan(2e-4));
  });

  it('NAS-Bench-201 network: logits and all gradients with the wasm kernel equal the cpu composition (1e-4 relative)', async () => {
    const xValues = randomValues(new Rng(12), 2 * 8 * 8);
    const run = () => {
      const net = new Nb201Supernet({ kind: 'nb201', cellsPerStage: 1, channels: 4 }, shape, new Rng(6));
      const x = tf.tensor4d(xValues, [2, 8, 8, 1]);
      const vars = [...net.params.list(), ...net.arch.map((a) => a.alpha)];
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(net.forward(x, softmaxWeights(net.arch)))) as tf.Scalar, vars);
      const out = [value, ...vars.map((v) => grads[v.name])];
      net.dispose();
      return out;
    };
    const wasm = await runOn('wasm', run);
    const cpu = await runOn('cpu', run);
    expect(wasm.length).toBe(cpu.length);
    wasm.forEach((values, i) => expect(relativeError(values, cpu[i]), `output ${i}`).toBeLessThan(1e-4));
  });

  it.each(['cells', 'edges'] as const)('recomputing the %s on wasm (the kernel under a nested tape) gives the plain step’s gradients (1e-5 relative)', async (recompute) => {
    const xValues = randomValues(new Rng(10), 2 * 8 * 8);
    const plain = await runOn('wasm', networkValueAndGrads(xValues));
    const recomputed = await runOn('wasm', networkValueAndGrads(xValues, { recompute }));
    expect(recomputed.length).toBe(plain.length);
    recomputed.forEach((values, i) => expect(relativeError(values, plain[i]), `output ${i}`).toBeLessThan(1e-5));
  });

  it('keeps the tensor count flat across training steps on wasm', async () => {
    await tf.setBackend('wasm');
    const net = new DartsSupernet(space, shape, new Rng(5));
    const x = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const vars = [...net.params.list(), ...net.arch.map((a) => a.alpha)];
    const step = () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(net.forward(x, softmaxWeights(net.arch))) as tf.Scalar, vars);
      tf.dispose([value, ...Object.values(grads)]);
    };
    step();
    const before = tf.memory().numTensors;
    step();
    step();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    net.dispose();
  });
});
