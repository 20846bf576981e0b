import * as tf from '@tensorflow/tfjs';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD } from '../kernels/batch-norm-names';
import { loadAddon, nativeThreads } from './addon';
import { batchNormKernels } from './batchnorm-kernels';
import { convKernels, depthwiseKernels } from './conv-kernels';
import { copyKernels } from './copy-kernels';
import type { KernelFn } from './heap';
import { batchMatMulKernel } from './matmul-kernel';
import { AVG_POOL_GRAD_EXCLUDE_PAD, poolKernels } from './pool-kernels';

export { nativeThreads, setNativeThreads, threadsFromEnv } from './addon';
export { AVG_POOL_GRAD_EXCLUDE_PAD, avgPoolGradExcludingPadding, type AvgPoolGradExcludePadAttrs } from './pool-kernels';

/** Every kernel the addon implements. */
export const NATIVE_KERNEL_NAMES = [
  tf.DepthwiseConv2dNative,
  tf.DepthwiseConv2dNativeBackpropInput,
  tf.DepthwiseConv2dNativeBackpropFilter,
  tf.MaxPoolGrad,
  tf.AvgPoolGrad,
  AVG_POOL_GRAD_EXCLUDE_PAD,
  tf.Conv2D,
  tf.Conv2DBackpropInput,
  tf.Conv2DBackpropFilter,
  tf.BatchMatMul,
  BATCH_NORM_TRAIN,
  BATCH_NORM_TRAIN_GRAD,
  tf.Concat,
  tf.SplitV,
] as const;

/**
 * Registered by default (docs/native.md). Conv2D (all but unpadded 1×1), DepthwiseConv2dNative
 * (undilated ≤3×3 outside the AVX2 path) and BatchMatMul hand XNNPACK's strong cases back to it.
 */
export const DEFAULT_NATIVE_KERNELS: readonly string[] = NATIVE_KERNEL_NAMES;

export interface NativeRegistration {
  loaded: boolean;
  /** Why the addon is not used, or where it was loaded from. */
  reason: string;
  /** Kernel names now served natively for the backend. */
  kernels: string[];
}

export interface NativeOptions {
  /** tfjs backend to register for; 'wasm' (the addon reads that backend's heap). */
  backendName?: string;
  /** Subset of NATIVE_KERNEL_NAMES; default DEFAULT_NATIVE_KERNELS. */
  kernels?: readonly string[];
}

/** Our configs by key, so a second registration neither re-registers nor captures ours as the fallback. */
const ours = new Map<string, tf.KernelConfig>();

function buildKernels(previous: (name: string) => tf.KernelConfig | undefined): Record<string, KernelFn> {
  const { addon } = loadAddon();
  if (addon === undefined) return {};
  return {
    ...depthwiseKernels(addon, previous),
    ...poolKernels(addon, previous),
    ...convKernels(addon, previous),
    [tf.BatchMatMul]: batchMatMulKernel(addon, previous(tf.BatchMatMul)),
    ...batchNormKernels(addon, previous),
    ...copyKernels(addon, previous),
  };
}

/**
 * Replaces the wasm backend's kernels for the names above with native ones that work in place on
 * the wasm heap, keeping the replaced kernel as the fallback for inputs the native code does not
 * take. Call after every other registration for the backend (stock, then composed kernels). Never
 * throws for a missing or broken addon: `loaded` is false and `reason` says why. NAS_NATIVE=0 disables.
 */
export function registerNativeKernels(options: NativeOptions = {}): NativeRegistration {
  const backendName = options.backendName ?? 'wasm';
  const wanted = options.kernels ?? DEFAULT_NATIVE_KERNELS;
  const unknown = wanted.filter((name) => !(NATIVE_KERNEL_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(`registerNativeKernels: no native kernel named ${unknown.join(', ')}; choose from ${NATIVE_KERNEL_NAMES.join(', ')}`);
  }
  const load = loadAddon();
  if (load.addon === undefined) return { loaded: false, reason: load.reason, kernels: [] };
  try {
    nativeThreads();
  } catch (error) {
    return { loaded: false, reason: (error as Error).message, kernels: [] };
  }
  const previous = (name: string): tf.KernelConfig | undefined => {
    const current = tf.getKernel(name, backendName);
    return current !== undefined && current === ours.get(`${backendName}/${name}`) ? undefined : current;
  };
  const kernels = buildKernels(previous);
  const registered: string[] = [];
  for (const name of wanted) {
    const key = `${backendName}/${name}`;
    const current = tf.getKernel(name, backendName);
    if (current === undefined || current !== ours.get(key)) {
      const config: tf.KernelConfig = { kernelName: name, backendName, kernelFunc: kernels[name] as unknown as tf.KernelFunc };
      if (current !== undefined) tf.unregisterKernel(name, backendName);
      tf.registerKernel(config);
      ours.set(key, config);
    }
    registered.push(name);
  }
  return { loaded: true, reason: load.reason, kernels: registered };
}
