import * as tf from '@tensorflow/tfjs';
import { Worker } from 'node:worker_threads';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { loadAddon, type NativeAddon } from '../../../src-main/engine/backend/native/addon';
import { convKernels, depthwiseKernels } from '../../../src-main/engine/backend/native/conv-kernels';
import { Rng } from '../../../src-shared/model/rng';
import { NATIVE_KERNEL_NAMES, registerNativeKernels, type NativeRegistration } from '../../../src-main/engine/backend/native/index';

/** The wasm backend with every native kernel over it, defaults or not (when the addon is built). */
export async function wasmWithNative(): Promise<NativeRegistration> {
  await tf.setBackend('wasm');
  const registration = registerNativeKernels({ kernels: NATIVE_KERNEL_NAMES });
  if (!registration.loaded) console.warn(`native kernel tests skipped: ${registration.reason}`);
  return registration;
}

export interface Input {
  shape: number[];
  values: Float32Array;
}

export function randomInput(rng: Rng, shape: number[]): Input {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = rng.normal();
  return { shape, values };
}

/** Runs one kernel by name on a backend and returns its output values; leaves wasm current. */
export async function runKernelOn(backend: 'wasm' | 'cpu', kernelName: string, inputs: Record<string, Input>, attrs: object): Promise<Float32Array> {
  if (tf.getBackend() !== backend) await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const tensors = Object.fromEntries(Object.entries(inputs).map(([name, i]) => [name, tf.tensor(i.values, i.shape)]));
  const out = tf.engine().runKernel(kernelName, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
  const values = out.dataSync() as Float32Array;
  tf.dispose([out, ...Object.values(tensors)]);
  if (tf.memory().numTensors !== before) throw new Error(`${kernelName} on ${backend} leaked tensors`);
  if (backend !== 'wasm') await tf.setBackend('wasm');
  return values;
}

/**
 * Runs the native depthwise/conv kernel itself on wasm, without the hand-back to XNNPACK that the
 * registered kernel does for some shapes, so the native code is tested on those shapes too.
 */
export async function runNativeDirect(kernelName: string, inputs: Record<string, Input>, attrs: object): Promise<Float32Array> {
  if (tf.getBackend() !== 'wasm') await tf.setBackend('wasm');
  const addon = loadAddon().addon as NativeAddon;
  const kernel = { ...depthwiseKernels(addon, () => undefined), ...convKernels(addon, () => undefined) }[kernelName];
  const before = tf.memory().numTensors;
  const tensors = Object.fromEntries(Object.entries(inputs).map(([name, i]) => [name, tf.tensor(i.values, i.shape)]));
  const out = tf.engine().makeTensorFromTensorInfo(kernel({ inputs: tensors, attrs: attrs as tf.NamedAttrMap, backend: tf.backend() as BackendWasm }));
  const values = out.dataSync() as Float32Array;
  tf.dispose([out, ...Object.values(tensors)]);
  if (tf.memory().numTensors !== before) throw new Error(`native ${kernelName} leaked tensors`);
  return values;
}

export { Rng };

/**
 * Starts a worker thread that spins until stopped, so the native pool's helper has to compete for
 * a core and the chunks fall to the threads differently from call to call. Returns the stop.
 */
export function startBusyThread(): () => Promise<number> {
  const worker = new Worker('for (;;) {}', { eval: true });
  return () => worker.terminate();
}

/** Index of the first element whose float32 bits differ, or -1 when the arrays are bit-identical. */
export function firstBitDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return i;
  return -1;
}
