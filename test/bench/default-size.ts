/**
 * CIFAR-size training steps in their own process (a fresh heap, a fixed native thread count), run by
 * `npm run bench -- --default-size` interleaved with PyTorch at the same shapes:
 * - `search`: one weight step of DARTS's default search network (C=16, 8 cells, batch 64,
 *   32×32×3) with the memory plan the engine would choose (plain or recomputation);
 * - `eval`: one training step of the evaluation network (NetworkCIFAR with the DARTS_V2 cell, C=36,
 *   20 cells, batch 96; no auxiliary head, no drop-path, as `pytorch_reference.py eval`), plain or,
 *   with --recompute, each cell recomputed in the backward pass (the `paper` preset's setting);
 * - `fmnist`: the same network as the `fmnist-cpu` evaluation preset trains it (C=16, 8 cells,
 *   batch 96, 28×28×1), as `pytorch_reference.py fmnist`.
 * A warm-up step, then `steps` timed steps (steady state). Prints one JSON line: wall and CPU ms per
 * step, the wasm heap (never shrinks: its peak) and the process's peak RSS.
 * `npx tsx test/bench/default-size.ts <search|eval|fmnist> <threads: 0 = pure wasm> <steps> [--plain] [--batch=N] [--recompute] [--data-parallel]`
 * (--plain: the search network without recomputation; --batch: the evaluation network's batch, default 96;
 * --recompute: the evaluation network with gradient checkpointing per cell; --data-parallel (eval,
 * fmnist): half of each batch on a second engine in a worker thread, as `training.dataParallel` 2,
 * each engine's native kernels on one thread whatever `threads` says).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { Rng } from '../../src-shared/model/rng';
import { DartsSpace } from '../../src-shared/model/space';
import { registerTrainingKernels } from '../../src-main/engine/backend/kernels/index';
import { backendMemory } from '../../src-main/engine/backend/memory';
import { registerNativeKernels, setNativeThreads } from '../../src-main/engine/backend/native/index';
import { crossEntropy } from '../../src-main/engine/evaluate/classification';
import { DartsEvalNetwork } from '../../src-main/engine/evaluate/darts-eval-network';
import { dataParallelGradients, DataParallelReplica } from '../../src-main/engine/evaluate/data-parallel';
import { clipScale, globalNorm, SgdMomentum } from '../../src-main/engine/optim/optimizers';
import { planDartsMemory } from '../../src-main/engine/supernet/memory-plan';
import { publishedDartsCell } from '../fixtures/published';
import { cpuMs } from './kernel-timer';
import { buildSupernetStep, clippedSgdStep, DEFAULT_SIZE } from './supernet-step';

export type CifarNet = 'search' | 'eval' | 'fmnist';

export interface CifarStepResult {
  net: CifarNet;
  /** 0: pure wasm; else wasm + native kernels on this many threads. */
  threads: number;
  note: string;
  wallMs: number[];
  cpuMs: number[];
  heapMiB: number;
  peakRssMiB: number;
  /** Why the step did not run (e.g. the wasm heap's 4 GiB). */
  error?: string;
}

/** The evaluation network's two bench sizes: DARTS's CIFAR-10 setting and the fmnist-cpu preset's. */
const EVAL_SIZES = {
  eval: { channels: 36, layers: 20, height: 32, width: 32, depth: 3 },
  fmnist: { channels: 16, layers: 8, height: 28, width: 28, depth: 1 },
};

interface BenchStep {
  note: string;
  /** One weight step; returns the loss. */
  step: () => number | Promise<number>;
  dispose: () => void;
}

/** One training step of NetworkCIFAR with DARTS_V2: SGD with momentum, clipping at 5, as DARTS's train.py. */
async function evalStep(size: keyof typeof EVAL_SIZES, batch: number, recompute: boolean, dataParallel: boolean): Promise<BenchStep> {
  const { channels, layers, height, width, depth } = EVAL_SIZES[size];
  const rng = new Rng(1);
  const genotype = publishedDartsCell('DARTS_V2');
  const input = { height, width, channels: depth, classes: 10 };
  const net = new DartsEvalNetwork(genotype, input, { channels, layers, auxiliary: false, variant: 'cifar', recompute }, rng.fork('net'));
  const dataRng = rng.fork('data');
  const x = tf.tensor4d(Float32Array.from({ length: batch * height * width * depth }, () => dataRng.normal()), [batch, height, width, depth]);
  const y = tf.tensor1d(Int32Array.from({ length: batch }, () => dataRng.int(10)), 'int32');
  const weights = net.trainableVariables();
  const sgd = new SgdMomentum(0.9, 3e-4);
  const params = weights.reduce((a, w) => a + w.size, 0);
  const netSize = { channels, layers, network: 'cifar' as const, auxiliary: false, recompute };
  const replica = dataParallel ? await DataParallelReplica.start({ genotype, input, size: netSize, seed: rng.fork('net').seed }, weights) : null;
  const parallelStep = async (r: DataParallelReplica): Promise<number> => {
    const { loss, grads } = await dataParallelGradients(net, weights, r, { x, y, epoch: 0 }, { dropPathProb: 0, auxiliaryWeight: 0 });
    sgd.step(weights, grads, 0.025, clipScale(globalNorm(grads), 5));
    tf.dispose(grads);
    return loss;
  };
  return {
    note: `NetworkCIFAR DARTS_V2, C=${channels}, ${layers} cells, batch ${batch}, ${height}x${width}x${depth}: ${params} weights; recompute=${recompute ? 'cells' : 'none'}; dataParallel=${replica ? 2 : 1}`,
    step: () => (replica ? parallelStep(replica) : clippedSgdStep(sgd, weights, () => crossEntropy(net.forward(x, { training: true, dropPathProb: 0 }).logits, y))),
    dispose: () => {
      replica?.dispose();
      sgd.dispose();
      net.dispose();
      tf.dispose([x, y]);
    },
  };
}

async function searchStep(): Promise<BenchStep> {
  const [batch, height, width, inChannels] = DEFAULT_SIZE.input;
  const space = DartsSpace.parse({ kind: 'darts', ...DEFAULT_SIZE.space });
  const plan = await planDartsMemory(space, { height, width, inChannels, numClasses: DEFAULT_SIZE.numClasses }, batch, 1);
  const recompute = process.argv.includes('--plain') ? undefined : (plan.recompute ?? undefined);
  const bench = buildSupernetStep(DEFAULT_SIZE, { recompute });
  return { note: `${DEFAULT_SIZE.label}: ${plan.note}; estimate ${(plan.estimate.bytes / 2 ** 20).toFixed(0)} MiB; recompute=${recompute ?? 'none'}`, step: bench.step, dispose: bench.dispose };
}

async function main() {
  const [net, threadsArg, stepsArg] = process.argv.slice(2, 5);
  if (net !== 'search' && net !== 'eval' && net !== 'fmnist') throw new Error(`usage: default-size.ts <search|eval|fmnist> <threads: 0 = pure wasm> <steps>; got '${net}'`);
  const threads = Number(threadsArg ?? 0);
  const steps = Number(stepsArg ?? 1);
  const batch = Number(process.argv.find((a) => a.startsWith('--batch='))?.slice('--batch='.length) ?? 96);
  await tf.setBackend('wasm');
  registerTrainingKernels();
  if (threads > 0) {
    const native = registerNativeKernels();
    if (!native.loaded) throw new Error(`native addon not loaded: ${native.reason}`);
    setNativeThreads(threads);
  }
  const result: CifarStepResult = { net, threads, note: '', wallMs: [], cpuMs: [], heapMiB: 0, peakRssMiB: 0 };
  try {
    const dataParallel = process.argv.includes('--data-parallel');
    if (dataParallel && net === 'search') throw new Error('--data-parallel is for the evaluation network (eval, fmnist)');
    const bench = net === 'search' ? await searchStep() : await evalStep(net, batch, process.argv.includes('--recompute'), dataParallel);
    result.note = bench.note;
    await bench.step(); // warm-up: XNNPACK operator creation, JIT, heap growth
    for (let i = 0; i < steps; i++) {
      const wall = performance.now();
      const cpu = cpuMs();
      await bench.step();
      result.wallMs.push(performance.now() - wall);
      result.cpuMs.push(cpuMs() - cpu);
    }
    bench.dispose();
  } catch (error) {
    result.error = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  }
  result.heapMiB = (backendMemory().heapBytes ?? 0) / 2 ** 20;
  result.peakRssMiB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify(result));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
