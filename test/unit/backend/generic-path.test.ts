/**
 * A backend without our custom kernels (tfjs-node / tfjs-node-gpu: TensorFlow's kernels only) runs
 * the generic path: every op that uses a `Nas*` kernel where the backend has it composes the same
 * formula from stock tfjs ops otherwise (batch norm, the mixed edge's weighted sum and its
 * gradients, ReLU's gradient, the fused SGD and gradient norm). There is no GPU here, so the
 * stand-in is the cpu backend registered under another name with tfjs's stock kernels only; the
 * reference is the wasm backend with every custom kernel (and the native addon where built).
 */
import * as tf from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src-shared/model/rng';
import { CUSTOM_KERNEL_NAMES } from '../../../src-main/cli/commands/doctor';
import { registerNativeKernels } from '../../../src-main/engine/backend/native/index';
import { archVariables, softmaxWeights } from '../../../src-main/engine/supernet/arch-params';
import { DartsSupernet } from '../../../src-main/engine/supernet/darts-network';
import { crossEntropy } from '../../../src-main/engine/evaluate/classification';
import { SgdMomentum, clipScale, globalNorm, gradsInOrder } from '../../../src-main/engine/optim/optimizers';
import { initBackends, relativeError } from './compare';

const STANDIN = 'generic-standin';

/** The cpu backend's kernels minus every one of ours, under a name nothing in the engine special-cases. */
function registerStandIn(): void {
  tf.registerBackend(STANDIN, () => new MathBackendCPU());
  for (const config of tf.getKernelsForBackend('cpu')) {
    if (!config.kernelName.startsWith('Nas')) tf.registerKernel({ ...config, backendName: STANDIN });
  }
}

interface StepResult {
  kernels: Set<string>;
  losses: number[];
  /** Gradients of the first step (weights, then α), then the weights after two SGD steps. */
  values: Float32Array[];
}

/**
 * Two weight steps of a small DARTS supernet (3 cells: normal, reduce, reduce; all 8 ops; C = 8 so
 * the SIMD and native kernels take every shape), with α's gradient taken too (the row gradient of
 * the weighted sum); clipping at 0.5 so the clipped update path runs.
 */
async function twoSteps(): Promise<StepResult> {
  const net = new DartsSupernet({ kind: 'darts', layers: 3, channels: 8, nodes: 2 }, { inChannels: 3, numClasses: 4 }, new Rng(5), {});
  const rng = new Rng(6);
  const x = tf.tensor4d(Float32Array.from({ length: 2 * 8 * 8 * 3 }, () => rng.normal()), [2, 8, 8, 3]);
  const y = tf.tensor1d([0, 3], 'int32');
  const weights = net.params.list();
  const alphas = archVariables(net);
  const sgd = new SgdMomentum(0.9, 3e-4);
  const losses: number[] = [];
  const values: Float32Array[] = [];
  const info = await tf.profile(() => {
    for (let step = 0; step < 2; step++) {
      const { value, grads } = tf.variableGrads(() => crossEntropy(net.forward(x, softmaxWeights(net.arch)), y), [...weights, ...alphas]);
      losses.push(value.dataSync()[0]);
      const ordered = gradsInOrder(weights, grads);
      if (step === 0) values.push(...[...weights, ...alphas].map((v) => grads[v.name].dataSync() as Float32Array));
      sgd.step(weights, ordered, 0.1, clipScale(globalNorm(ordered), 0.5));
      tf.dispose([value, ...Object.values(grads)]);
    }
  });
  values.push(...weights.map((w) => w.dataSync() as Float32Array));
  sgd.dispose();
  net.dispose();
  tf.dispose([x, y]);
  return { kernels: new Set(info.kernelNames), losses, values };
}

describe('the generic path on a backend without our custom kernels', () => {
  let wasm: StepResult;
  let generic: StepResult;

  beforeAll(async () => {
    await initBackends();
    registerNativeKernels();
    registerStandIn();
    wasm = await twoSteps();
    await tf.setBackend(STANDIN);
    generic = await twoSteps();
    await tf.setBackend('wasm');
  });
  afterAll(() => {
    tf.removeBackend(STANDIN);
  });

  it('runs our fused kernels on wasm and none of them on the stand-in', () => {
    for (const name of CUSTOM_KERNEL_NAMES.filter((n) => n !== 'NasAdamL2')) expect(wasm.kernels, name).toContain(name);
    expect([...generic.kernels].filter((n) => n.startsWith('Nas'))).toEqual([]);
  });

  /**
   * Both sides compute the same formulas in float32 in a different order (fused kernels against
   * stock op compositions, XNNPACK against tfjs's cpu loops) through ~25 layers of batch norm on
   * 2 samples: losses agree to 1e-5 (measured 1e-6), gradients and weights after two steps to
   * 3e-4 relative, each tensor against its own scale (measured 4.6e-5).
   */
  it('gives the same losses, gradients and updated weights', () => {
    expect(generic.losses.length).toBe(2);
    for (let i = 0; i < 2; i++) expect(Math.abs(generic.losses[i] - wasm.losses[i])).toBeLessThan(1e-5);
    expect(generic.values.length).toBe(wasm.values.length);
    const worst = Math.max(...generic.values.map((v, i) => relativeError(v, wasm.values[i])));
    expect(worst).toBeLessThan(3e-4);
  });
});
