import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Genotype } from '../../../src-shared/model/genotype';
import { nativeThreads, setNativeThreads } from '../backend/native/index';
import type { Batch } from '../data/batches';
import type { NetworkSize } from './build';
import type { DropPathMasks, EvaluationNetwork, ImageInput } from './network';
import { lossAndGradients, type ReplicaGradients, type ReplicaStepOptions } from './replica-step';

/** What a replica is built from: the main network's genotype, sizes and network seed (same weight names and shapes). */
export interface ReplicaSpec {
  /** The main thread's tfjs backend; the replica loads the same. */
  backend: 'wasm' | 'cpu';
  genotype: Genotype;
  input: ImageInput;
  size: NetworkSize;
  /** Seed of the generator the main network was built from. */
  seed: number;
}

export interface StepRequest {
  id: number;
  /** Every trainable weight, in `trainableVariables()` order. */
  weights: Float32Array[];
  x: Float32Array;
  xShape: [number, number, number, number];
  y: Int32Array;
  options: ReplicaStepOptions;
}

export type FromReplica =
  | { type: 'ready'; shapes: number[][] }
  /** The worker could not load its backend or build its network. */
  | { type: 'failed'; message: string }
  /** `tensors`: the worker engine's live tensors after the step (flat from step to step). */
  | { type: 'result'; id: number; loss: number; correct: number; grads: Float32Array[]; tensors: number }
  | { type: 'error'; id: number; message: string };

/** The replica's half: loss, correct count and gradients as arrays (in `trainableVariables()` order). */
export type RemoteGradients = Omit<ReplicaGradients, 'grads'> & { grads: Float32Array[]; tensors: number };

let liveWorkers = 0;

/** Replica threads started and not yet exited in this process (a run leaves none behind). */
export function liveReplicas(): number {
  return liveWorkers;
}

/** The worker entry: the TypeScript source under tsx (dev, tests), the bundle's `data-parallel-worker.js` when built. */
function workerEntry(): { file: string; execArgv: string[] } {
  const here = dirname(fileURLToPath(import.meta.url));
  const source = resolve(here, 'data-parallel-worker.ts');
  if (existsSync(source)) return { file: source, execArgv: ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href] };
  // Built: electron-vite's entry sits in out/main, beside the engine's entry or one folder above a shared chunk.
  const built = [resolve(here, 'data-parallel-worker.js'), resolve(here, '..', 'data-parallel-worker.js')].find((f) => existsSync(f));
  if (!built) throw new Error(`the data-parallel worker's entry is missing beside ${here}; rebuild the app (electron.vite.config.ts names it)`);
  return { file: built, execArgv: [] };
}

type Pending = { resolve: (r: RemoteGradients) => void; reject: (e: Error) => void };

/**
 * A second tfjs engine in a worker thread that computes the loss and gradients of half of each
 * batch (PyTorch's nn.DataParallel with two replicas). Started once per run; `dispose` ends the
 * thread. While it runs, each engine's native kernels use one thread (the two engines fill both cores).
 */
export class DataParallelReplica {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;
  private disposed = false;
  private readyListeners: { resolve: (shapes: number[][]) => void; reject: (e: Error) => void } | null = null;
  /** The replica's weight shapes, once its network is built. */
  private readonly ready: Promise<number[][]>;

  private constructor(
    private readonly worker: Worker,
    private readonly previousNativeThreads: number,
  ) {
    this.ready = new Promise((resolve, reject) => (this.readyListeners = { resolve, reject }));
    worker.on('message', (m: FromReplica) => this.receive(m));
    worker.on('error', (error) => this.fail(new Error(`the data-parallel worker failed: ${error.message}`)));
    worker.on('exit', (code) => {
      liveWorkers--;
      this.fail(new Error(`the data-parallel worker exited (code ${code})`));
    });
  }

  /** Starts the thread and waits until its network is built; refuses a replica whose weights differ in shape from `weights`. */
  static async start(spec: Omit<ReplicaSpec, 'backend'>, weights: readonly tf.Variable[]): Promise<DataParallelReplica> {
    const backend = tf.getBackend();
    if (backend !== 'wasm' && backend !== 'cpu') {
      throw new Error(`dataParallel 2 runs a second engine on the wasm or cpu backend; this run has '${backend}', which uses every core itself: set dataParallel to 1`);
    }
    const entry = workerEntry();
    const worker = new Worker(entry.file, {
      execArgv: entry.execArgv,
      workerData: { ...spec, backend } satisfies ReplicaSpec,
      env: { ...process.env, NAS_BACKEND: backend, NAS_NATIVE_THREADS: '1' },
    });
    liveWorkers++;
    const replica = new DataParallelReplica(worker, nativeThreads());
    setNativeThreads(1);
    try {
      const shapes = await replica.ready;
      if (JSON.stringify(shapes) !== JSON.stringify(weights.map((w) => w.shape))) {
        throw new Error('the data-parallel replica built a network with other weight shapes than the main thread');
      }
      return replica;
    } catch (error) {
      replica.dispose();
      throw error;
    }
  }

  /** Sends one half batch (its arrays are transferred: unusable here afterwards); resolves with its loss, correct count and gradients. */
  step(request: Omit<StepRequest, 'id'>): Promise<RemoteGradients> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const transfer = [...request.weights, request.x, request.y, ...(request.options.dropPathMasks ?? []).flat()]
      .filter((a): a is Float32Array | Int32Array => a !== null)
      .map((a) => a.buffer as ArrayBuffer);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id } satisfies StepRequest, transfer);
    });
  }

  /** Ends the thread (idempotent); a step still waiting fails. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.fail(new Error('the data-parallel worker was stopped'));
    setNativeThreads(this.previousNativeThreads);
    void this.worker.terminate();
  }

  private receive(message: FromReplica): void {
    if (message.type === 'ready') {
      this.readyListeners?.resolve(message.shapes);
      this.readyListeners = null;
    } else if (message.type === 'failed') {
      this.fail(new Error(`the data-parallel worker could not start: ${message.message}`));
    } else {
      const waiting = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.type === 'error') waiting?.reject(new Error(`the data-parallel worker failed: ${message.message}`));
      else waiting?.resolve(message);
    }
  }

  /** Fails whatever waits and every later step with `error` (the first failure is the one reported). */
  private fail(error: Error): void {
    this.failure ??= error;
    this.readyListeners?.reject(this.failure);
    this.readyListeners = null;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
  }
}

const copy = (data: tf.TypedArray | Float32Array): Float32Array => Float32Array.from(data as Float32Array);

/**
 * Loss and gradients of a batch split between this thread's engine (the first half) and the
 * replica's (the second), computed at the same time. The drop-path factors of the whole batch are
 * drawn here from the network's generator (the same draws as one engine makes), each half
 * multiplies by its own. Each half's batch norm uses that half's statistics; the running
 * statistics move on this thread only (DataParallel keeps replica 0's buffers). The gradient is
 * the sample-weighted mean of the halves' (their plain mean for an even batch), so is the loss;
 * `correct` counts both halves.
 */
export async function dataParallelGradients(
  net: EvaluationNetwork,
  weights: tf.Variable[],
  replica: DataParallelReplica,
  batch: Batch,
  options: Omit<ReplicaStepOptions, 'dropPathMasks'>,
): Promise<ReplicaGradients> {
  const n = batch.x.shape[0];
  const [nA, nB] = [Math.ceil(n / 2), Math.floor(n / 2)];
  const masks: DropPathMasks | undefined = options.dropPathProb > 0 ? net.drawDropPathMasks?.(n, options.dropPathProb) : undefined;
  if (nB === 0) return lossAndGradients(net, weights, batch.x, batch.y, { ...options, dropPathMasks: masks });
  const [xA, xB] = tf.split(batch.x, [nA, nB]) as tf.Tensor4D[];
  const [yA, yB] = tf.split(batch.y, [nA, nB]) as tf.Tensor1D[];
  try {
    const remote = replica.step({
      weights: weights.map((w) => copy(w.dataSync())),
      x: copy(xB.dataSync()),
      xShape: xB.shape,
      y: Int32Array.from(yB.dataSync()),
      options: { ...options, dropPathMasks: masks?.map((cell) => cell.map((f) => f && f.slice(nA))) },
    });
    // Awaited below; if this thread's half throws first, the replica's answer must not go unhandled.
    remote.catch(() => undefined);
    const local = lossAndGradients(net, weights, xA, yA, { ...options, dropPathMasks: masks?.map((cell) => cell.map((f) => f && f.subarray(0, nA))) });
    let theirs: RemoteGradients;
    try {
      theirs = await remote;
    } catch (error) {
      tf.dispose(local.grads);
      throw error;
    }
    const [wA, wB] = [nA / n, nB / n];
    const grads = tf.tidy(() => local.grads.map((g, i) => tf.add(tf.mul(g, wA), tf.mul(tf.tensor(theirs.grads[i], g.shape), wB))));
    tf.dispose(local.grads);
    return { loss: wA * local.loss + wB * theirs.loss, correct: local.correct + theirs.correct, grads };
  } finally {
    tf.dispose([xA, xB, yA, yB]);
  }
}
