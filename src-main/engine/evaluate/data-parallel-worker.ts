import * as tf from '@tensorflow/tfjs';
import { parentPort, workerData } from 'node:worker_threads';
import { Rng } from '../../../src-shared/model/rng';
import { selectBackend } from '../backend/select';
import { buildEvaluationNetwork } from './build';
import type { FromReplica, ReplicaSpec, StepRequest } from './data-parallel';
import { lossAndGradients } from './replica-step';

/**
 * Entry of a data-parallel replica: a worker thread of the engine process with its own tfjs engine
 * and wasm heap (docs/evaluation.md, "Both cores"). It builds the evaluation network from the main
 * thread's genotype, sizes and seed, then for each step request loads the weights it is sent,
 * computes loss and gradients on its half of the batch and sends the gradients back. It keeps no
 * state between steps: the weights arrive every step and its running statistics are never read.
 */
const port = parentPort;
if (!port) throw new Error('data-parallel-worker.ts runs as a worker thread (DataParallelReplica starts it)');
const spec = workerData as ReplicaSpec;

function reply(message: FromReplica, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function start(): Promise<void> {
  // NAS_BACKEND (set by the main thread to its own backend) makes this the main thread's backend.
  await selectBackend();
  const net = buildEvaluationNetwork(spec.genotype, spec.input, spec.size, new Rng(spec.seed));
  const weights = net.trainableVariables();

  const step = (request: StepRequest): Omit<Extract<FromReplica, { type: 'result' }>, 'tensors'> => {
    if (request.weights.length !== weights.length) throw new Error(`the replica has ${weights.length} weights, the step sent ${request.weights.length}`);
    tf.tidy(() => weights.forEach((w, i) => w.assign(tf.tensor(request.weights[i], w.shape))));
    const x = tf.tensor4d(request.x, request.xShape);
    const y = tf.tensor1d(request.y, 'int32');
    try {
      const { loss, correct, grads } = lossAndGradients(net, weights, x, y, request.options);
      const arrays = grads.map((g) => (g.dataSync() as Float32Array).slice());
      tf.dispose(grads);
      return { type: 'result', id: request.id, loss, correct, grads: arrays };
    } finally {
      tf.dispose([x, y]);
    }
  };

  port!.on('message', (request: StepRequest) => {
    try {
      const result: FromReplica = { ...step(request), tensors: tf.memory().numTensors };
      reply(result, result.grads.map((g) => g.buffer as ArrayBuffer));
    } catch (error) {
      reply({ type: 'error', id: request.id, message: describe(error) });
    }
  });
  reply({ type: 'ready', shapes: weights.map((w) => w.shape) });
}

start().catch((error) => reply({ type: 'failed', message: describe(error) }));
