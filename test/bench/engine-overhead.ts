/**
 * What one kernel call costs outside the kernel on the wasm backend: tfjs's engine (op wrapper,
 * scopes, tensor tracking, tape) and our kernels' JS, measured on tiny tensors so the kernel's own
 * work is negligible. `npx tsx test/bench/engine-overhead.ts [calls]` prints µs of CPU per call.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels, restoreStockKernels } from '../../src-main/engine/backend/kernels/index';
import { cpuMs } from './kernel-timer';

const CALLS = Number(process.argv[2] ?? 20000);

/** µs of CPU per call of `body`, run CALLS times inside one tidy (best of 3 rounds). */
function perCall(body: () => void): number {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const start = cpuMs();
    tf.tidy(() => {
      for (let i = 0; i < CALLS; i++) body();
    });
    best = Math.min(best, ((cpuMs() - start) * 1000) / CALLS);
  }
  return best;
}

/** µs per call of `op` applied CALLS times in a chain under tf.grads, forward and backward. */
function perCallWithTape(op: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor): { forward: number; both: number } {
  let forward = Infinity;
  let both = Infinity;
  for (let round = 0; round < 3; round++) {
    let mid = 0;
    const start = cpuMs();
    tf.tidy(() => {
      tf.grad((v: tf.Tensor) => {
        let y = v;
        for (let i = 0; i < CALLS; i++) y = op(y);
        mid = cpuMs();
        return tf.sum(y);
      })(x);
    });
    forward = Math.min(forward, ((mid - start) * 1000) / CALLS);
    both = Math.min(both, ((cpuMs() - start) * 1000) / CALLS);
  }
  return { forward, both };
}

function report(label: string) {
  const a = tf.ones([4]);
  const b = tf.ones([4]);
  const row = tf.ones([2, 3, 4]);
  const k = tf.scalar(1.0001);
  const rows: Array<[string, number]> = [
    ['runKernel(Identity) [4]', perCall(() => tf.engine().runKernel(tf.Identity, { x: a }))],
    ['tf.reshape [4] -> [2,2]', perCall(() => tf.reshape(a, [2, 2]))],
    ['tf.mul [4]·[4]', perCall(() => tf.mul(a, b))],
    ['tf.mul [2,3,4]·[4] (row broadcast)', perCall(() => tf.mul(row, a))],
    ['tf.mul [4]·scalar', perCall(() => tf.mul(a, k))],
    ['tf.add [4]+[4]', perCall(() => tf.add(a, b))],
    ['tf.relu [4]', perCall(() => tf.relu(a))],
  ];
  console.log(`${label}: CPU µs per call (${CALLS} calls, best of 3)`);
  for (const [name, us] of rows) console.log(`  ${name.padEnd(36)} ${us.toFixed(2).padStart(7)}`);
  const mul = perCallWithTape((y) => tf.mul(y, k), a);
  const relu = perCallWithTape((y) => tf.relu(y), a);
  console.log(`  ${'tf.mul by scalar, taped: forward'.padEnd(36)} ${mul.forward.toFixed(2).padStart(7)}   forward+backward ${mul.both.toFixed(2)}`);
  console.log(`  ${'tf.relu, taped: forward'.padEnd(36)} ${relu.forward.toFixed(2).padStart(7)}   forward+backward ${relu.both.toFixed(2)}`);
  tf.dispose([a, b, row, k]);
}

/** The Multiply kernel functions alone, no engine: the stock one against ours (direct C call). */
function kernelAlone() {
  const backend = tf.backend();
  const a = tf.ones([4]);
  const b = tf.ones([4]);
  const args = { inputs: { a, b }, attrs: {}, backend } as unknown as Parameters<tf.KernelFunc>[0];
  const time = (kernel: tf.KernelFunc) => {
    let best = Infinity;
    for (let round = 0; round < 5; round++) {
      const start = cpuMs();
      for (let i = 0; i < CALLS; i++) backend.disposeData((kernel(args) as tf.TensorInfo).dataId);
      best = Math.min(best, ((cpuMs() - start) * 1000) / CALLS);
    }
    return best;
  };
  registerTrainingKernels();
  const ours = tf.getKernel(tf.Multiply, 'wasm')!.kernelFunc;
  restoreStockKernels();
  const stock = tf.getKernel(tf.Multiply, 'wasm')!.kernelFunc;
  registerTrainingKernels();
  console.log(`Multiply [4]·[4] kernel alone (no engine), CPU µs per call: stock ${time(stock).toFixed(2)}, ours ${time(ours).toFixed(2)}, stock ${time(stock).toFixed(2)}, ours ${time(ours).toFixed(2)}`);
  tf.dispose([a, b]);
}

async function main() {
  await tf.setBackend('wasm');
  kernelAlone();
  report('wasm, our kernels');
  restoreStockKernels();
  report('wasm, stock kernels');
  console.log(`tensors left: ${tf.memory().numTensors}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
