import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { WASM } from './kernel-util';

export const CPU = 'cpu';

/** Float32 arrays of a kernel's inputs and of its freshly allocated outputs, on either backend. */
export interface HostArrays {
  /** Allocates outputs of `outShapes`, runs `body` over the inputs' and outputs' values, returns the outputs. */
  compute(
    inputs: readonly tf.TensorInfo[],
    outShapes: readonly number[][],
    body: (ins: Float32Array[], outs: Float32Array[]) => void,
  ): tf.TensorInfo[];
}

export type HostKernelFunc = (args: { inputs: tf.NamedTensorInfoMap; attrs: tf.NamedAttrMap; host: HostArrays }) => tf.TensorInfo | tf.TensorInfo[];

function requireFloat32(kernelName: string, inputs: readonly tf.TensorInfo[]): void {
  const other = inputs.find((t) => t.dtype !== 'float32');
  if (other) throw new Error(`${kernelName} takes float32 tensors only, got ${other.dtype}; cast the input to float32.`);
}

/** Views of the wasm heap; taken after the outputs are allocated, since a growing heap replaces its ArrayBuffer. */
function wasmArrays(kernelName: string, backend: BackendWasm): HostArrays {
  return {
    compute(inputs, outShapes, body) {
      requireFloat32(kernelName, inputs);
      const outs = outShapes.map((shape) => backend.makeOutput(shape, 'float32'));
      body(
        inputs.map((t) => backend.typedArrayFromHeap(t) as Float32Array),
        outs.map((t) => backend.typedArrayFromHeap(t) as Float32Array),
      );
      return outs;
    },
  };
}

/** The cpu backend's own arrays (readSync hands back the stored Float32Array, no copy). */
function cpuArrays(kernelName: string, backend: tf.KernelBackend): HostArrays {
  return {
    compute(inputs, outShapes, body) {
      requireFloat32(kernelName, inputs);
      const outs = outShapes.map((shape) => new Float32Array(tf.util.sizeFromShape(shape)));
      body(
        inputs.map((t) => backend.readSync(t.dataId) as Float32Array),
        outs,
      );
      return outs.map((values, i) => ({ dataId: backend.write(values, outShapes[i], 'float32'), shape: outShapes[i], dtype: 'float32' }));
    },
  };
}

/**
 * A kernel written once as a JS loop over Float32Arrays, for the wasm backend (heap views) or the
 * cpu backend. For memory-bound single-pass loops (the optimizers' updates) where one call replaces
 * many small tfjs ops, each of which costs more in engine overhead than in arithmetic.
 */
export function hostKernelConfig(kernelName: string, backendName: typeof WASM | typeof CPU, kernel: HostKernelFunc): tf.KernelConfig {
  const kernelFunc = (args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: tf.KernelBackend }) => {
    const host = backendName === WASM ? wasmArrays(kernelName, args.backend as BackendWasm) : cpuArrays(kernelName, args.backend);
    return kernel({ inputs: args.inputs, attrs: args.attrs ?? {}, host });
  };
  return { kernelName, backendName, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}

/** Throws unless every tensor has `size` elements (the optimizers' operands are all one variable's shape). */
export function requireSameSize(kernelName: string, named: Record<string, tf.TensorInfo | undefined>, size: number): void {
  for (const [name, t] of Object.entries(named)) {
    if (t !== undefined && tf.util.sizeFromShape(t.shape) !== size) {
      throw new Error(`${kernelName}: input '${name}' has shape [${t.shape.join(',')}], expected ${size} elements like the weight.`);
    }
  }
}
