import * as tf from '@tensorflow/tfjs';
import { WASM } from './kernel-util';

/**
 * The wasm backend's own kernels for the names we replace, captured before replacement: ours call
 * them for the cases they handle well, and the benchmarks compare against them. Their setup
 * functions have already run (the backend was initialised before we replaced anything).
 */
const stock = new Map<string, tf.KernelConfig>();

export function captureStockKernel(kernelName: string): void {
  if (stock.has(kernelName)) return;
  const config = tf.getKernel(kernelName, WASM);
  if (config !== undefined) stock.set(kernelName, config);
}

export function stockKernel(kernelName: string): tf.KernelConfig {
  const config = stock.get(kernelName);
  if (config === undefined) {
    throw new Error(`No stock wasm kernel '${kernelName}' was captured; call registerTrainingKernels() first.`);
  }
  return config;
}

export function hasStockKernel(kernelName: string): boolean {
  return stock.has(kernelName);
}
