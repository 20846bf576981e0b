import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapOffset, simdKernels, type SimdKernels } from '../simd/module';
import { WASM } from './kernel-util';
import { stockKernel } from './stock';
import { wasmBinary } from './wasm-binary';

/**
 * Float32 Multiply / Add / Sub where one side broadcasts over the middle axes of the other and
 * keeps its last axis (C a multiple of 4), e.g. BN's x·rstd with rstd [1,1,1,C]: the wasm SIMD
 * row kernel (`simd/module.ts`), ~6× faster than XNNPACK's broadcast at C=8. Everything else goes
 * to the stock kernel.
 */
export interface RowBroadcastPlan {
  /** Rows of the broadcast side (product of the leading axes both sides share). */
  p: number;
  /** Rows of the full side per row of the broadcast side. */
  q: number;
  channels: number;
}

/** How `small` broadcasts into `big` as [p, q, C] against [p, 1, C]; null when it does not. */
export function rowBroadcastPlan(big: readonly number[], small: readonly number[]): RowBroadcastPlan | null {
  const rank = big.length;
  const pad = rank - small.length;
  if (rank === 0 || pad < 0) return null;
  const channels = big[rank - 1];
  // Called for every Multiply/Add/Sub (~13k per supernet step, most of them not row broadcasts):
  // reads `small` as if left-padded with 1s instead of building the padded shape.
  if (channels % 4 !== 0 || channels === 0 || small[small.length - 1] !== channels) return null;
  let shared = 0;
  let p = 1;
  while (shared < rank - 1 && (shared < pad ? 1 : small[shared - pad]) === big[shared]) p *= big[shared++];
  let q = 1;
  for (let axis = shared; axis < rank - 1; axis++) {
    if ((axis < pad ? 1 : small[axis - pad]) !== 1) return null;
    q *= big[axis];
  }
  return p > 0 && q > 1 ? { p, q, channels } : null;
}

/**
 * Everything but row broadcasts: the backend's C kernel, called directly (`wasm-binary.ts`), else
 * the stock kernel. Not a closure per call: this path serves most of the ~13k Multiply/Add/Sub
 * calls of a supernet step.
 */
function runStock(kernelName: string, args: { inputs: tf.NamedTensorInfoMap; backend: BackendWasm }, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  return wasmBinary(kernelName, args.backend, a, b) ?? (stockKernel(kernelName).kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo);
}

type RowKernel = 'mulRowBroadcast' | 'addRowBroadcast' | 'subRowBroadcast';

function rowBroadcastKernel(kernelName: string, row: RowKernel, commutative: boolean): tf.KernelConfig {
  const kernelFunc = (args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: BackendWasm }): tf.TensorInfo => {
    const { a, b } = args.inputs;
    if (a === undefined || b === undefined) throw new Error(`${kernelName}: inputs 'a' and 'b' are both required.`);
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return runStock(kernelName, args, a, b);
    let big = a;
    let plan = rowBroadcastPlan(a.shape, b.shape);
    if (plan === null && commutative) {
      plan = rowBroadcastPlan(b.shape, a.shape);
      big = b;
    }
    const kernels: SimdKernels | null = plan === null ? null : simdKernels(args.backend);
    if (plan === null || kernels === null) return runStock(kernelName, args, a, b);
    const small = big === a ? b : a;
    const out = args.backend.makeOutput(big.shape, 'float32');
    const { backend } = args;
    kernels[row](heapOffset(backend, big.dataId), heapOffset(backend, small.dataId), heapOffset(backend, out.dataId), plan.p, plan.q, plan.channels * 4);
    return out;
  };
  return { kernelName, backendName: WASM, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}

export const multiplyConfig = rowBroadcastKernel(tf.Multiply, 'mulRowBroadcast', true);
export const addConfig = rowBroadcastKernel(tf.Add, 'addRowBroadcast', true);
export const subConfig = rowBroadcastKernel(tf.Sub, 'subRowBroadcast', false);
