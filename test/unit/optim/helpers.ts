import * as tf from '@tensorflow/tfjs';
import { nasAdamL2Config, nasAdamL2CpuConfig } from '../../../src-main/engine/backend/kernels/NasAdamL2';
import { nasSgdMomentumConfig, nasSgdMomentumCpuConfig } from '../../../src-main/engine/backend/kernels/NasSgdMomentum';
import { nasSumOfSquaresConfig, nasSumOfSquaresCpuConfig } from '../../../src-main/engine/backend/kernels/NasSumOfSquares';
import { Rng } from '../../../src-shared/model/rng';

export const BACKENDS = ['wasm', 'cpu'] as const;
export type Backend = (typeof BACKENDS)[number];
export type Path = 'fused' | 'composed';

const configs: Record<Backend, tf.KernelConfig[]> = {
  wasm: [nasSgdMomentumConfig, nasSumOfSquaresConfig, nasAdamL2Config],
  cpu: [nasSgdMomentumCpuConfig, nasSumOfSquaresCpuConfig, nasAdamL2CpuConfig],
};

/**
 * Runs `body` on `backend` with the optimizers' fused kernels registered (path 'fused') or
 * unregistered (path 'composed': the optimizers' fallback, as on tfjs-node); restores them after.
 */
export async function onPath<T>(backend: Backend, path: Path, body: () => T): Promise<T> {
  await tf.setBackend(backend);
  const present = configs[backend].filter((c) => tf.getKernel(c.kernelName, backend) !== undefined);
  if (path === 'composed') for (const c of present) tf.unregisterKernel(c.kernelName, backend);
  try {
    for (const c of configs[backend]) {
      const registered = tf.getKernel(c.kernelName, backend) !== undefined;
      if (registered !== (path === 'fused')) throw new Error(`${c.kernelName} on ${backend}: expected the ${path} path`);
    }
    return body();
  } finally {
    if (path === 'composed') for (const c of present) tf.registerKernel(c);
  }
}

/** Shapes like a DARTS cell's weights: a conv filter, a BN vector, a scalar-ish one, a dense layer. */
export const SHAPES: number[][] = [[3, 3, 4, 8], [8], [1], [16, 10]];

/** Seeded normal values for every shape, `steps` gradients per shape. */
export function problem(seed: number, steps: number): { weights: Float32Array[]; grads: Float32Array[][] } {
  const rng = new Rng(seed);
  const values = (shape: number[]) => Float32Array.from({ length: tf.util.sizeFromShape(shape) }, () => rng.normal());
  return { weights: SHAPES.map(values), grads: Array.from({ length: steps }, () => SHAPES.map(values)) };
}
