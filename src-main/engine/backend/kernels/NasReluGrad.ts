import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { generatedKernels } from '../simd/generated';
import { heapOffset } from '../simd/module';
import { reluGradBody } from '../simd/relu-grad-body';
import { requireInputs, WASM } from './kernel-util';

/**
 * Relu's gradient dy · step(x) as one kernel. tfjs composes it from Step, Cast and Multiply: three
 * taped calls and a temporary map per ReLU, ~220 ReLUs per reference supernet step.
 */
export const NAS_RELU_GRAD = 'NasReluGrad';

interface ReluGradKernels {
  reluGrad: (x: number, dy: number, out: number, bytes: number) => void;
}

function reluGrad(args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm }): tf.TensorInfo {
  const { dy, x } = requireInputs(NAS_RELU_GRAD, args.inputs, ['dy', 'x']);
  if (x.dtype !== 'float32' || dy.dtype !== 'float32' || !tf.util.arraysEqual(x.shape, dy.shape)) {
    throw new Error(`${NAS_RELU_GRAD}: dy and x must be float32 tensors of one shape, got ${dy.dtype} [${dy.shape}] and ${x.dtype} [${x.shape}].`);
  }
  const { backend } = args;
  const out = backend.makeOutput(x.shape, 'float32');
  const size = tf.util.sizeFromShape(x.shape);
  const vectors = size >> 2;
  const kernels = generatedKernels<ReluGradKernels>(backend, 'reluGrad', () => [
    { name: 'reluGrad', params: 4, locals: 1, vectorLocals: 2, body: reluGradBody() },
  ]);
  if (kernels !== null && vectors > 0) {
    kernels.reluGrad(heapOffset(backend, x.dataId), heapOffset(backend, dy.dataId), heapOffset(backend, out.dataId), vectors * 16);
  }
  const done = kernels !== null ? vectors * 4 : 0;
  if (done === size) return out;
  // The tail (and everything without wasm SIMD) in JS, same formula.
  const xs = backend.typedArrayFromHeap(x) as Float32Array;
  const dys = backend.typedArrayFromHeap(dy) as Float32Array;
  const outs = backend.typedArrayFromHeap(out) as Float32Array;
  for (let i = done; i < size; i++) {
    const v = xs[i];
    outs[i] = dys[i] * (v > 0 ? 1 : Number.isNaN(v) ? NaN : 0);
  }
  return out;
}

export const nasReluGradConfig: tf.KernelConfig = {
  kernelName: NAS_RELU_GRAD,
  backendName: WASM,
  kernelFunc: reluGrad as unknown as tf.KernelFunc,
};

/**
 * Relu's gradient through NasReluGrad where the active backend has it, else tfjs's own composition
 * (the same values). Gradients are global in tfjs, so this replaces tfjs's Relu gradient everywhere.
 */
export function registerReluGradient(): void {
  tf.registerGradient({
    kernelName: tf.Relu,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved;
      const grad = dy as tf.Tensor;
      return {
        x: () =>
          tf.getKernel(NAS_RELU_GRAD, tf.getBackend()) !== undefined
            ? (tf.engine().runKernel(NAS_RELU_GRAD, { dy: grad, x }) as tf.Tensor)
            : tf.mul(grad, tf.cast(tf.step(x), 'float32')),
      };
    },
  });
}
