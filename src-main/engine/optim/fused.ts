import * as tf from '@tensorflow/tfjs';
import { CPU } from '../backend/kernels/host-kernel';
import { NAS_ADAM_L2, nasAdamL2CpuConfig, type NasAdamL2Attrs } from '../backend/kernels/NasAdamL2';
import { NAS_SGD_MOMENTUM, nasSgdMomentumCpuConfig, type NasSgdMomentumAttrs } from '../backend/kernels/NasSgdMomentum';
import { NAS_SUM_OF_SQUARES, nasSumOfSquaresCpuConfig } from '../backend/kernels/NasSumOfSquares';

/**
 * The optimizers' fused kernels (one call per weight instead of ~6 tfjs ops). The wasm versions
 * register with the training kernels; the cpu ones here, on first import (tfjs's kernel registry is
 * keyed by backend name, so this works before the cpu backend loads). Other backends (tfjs-node)
 * have none, and the optimizers fall back to composed ops.
 */
for (const config of [nasSgdMomentumCpuConfig, nasSumOfSquaresCpuConfig, nasAdamL2CpuConfig]) {
  if (tf.getKernel(config.kernelName, CPU) === undefined) tf.registerKernel(config);
}

export { NAS_ADAM_L2, NAS_SGD_MOMENTUM, NAS_SUM_OF_SQUARES };

/** Whether the current backend has kernel `name`. */
export function hasFusedKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

/** [wNext, bufNext] of one SGD-with-momentum step; `buf` undefined at the first step. */
export function fusedSgdMomentum(w: tf.Tensor, g: tf.Tensor, buf: tf.Tensor | undefined, attrs: NasSgdMomentumAttrs): [tf.Tensor, tf.Tensor] {
  const inputs: tf.NamedTensorMap = buf ? { w, g, buf } : { w, g };
  return tf.engine().runKernel(NAS_SGD_MOMENTUM, inputs, attrs as unknown as tf.NamedAttrMap) as [tf.Tensor, tf.Tensor];
}

/** [pNext, mNext, vNext] of one Adam step; `m`, `v` undefined at the first step. */
export function fusedAdamL2(
  p: tf.Tensor,
  g: tf.Tensor,
  moments: { m: tf.Tensor; v: tf.Tensor } | undefined,
  attrs: NasAdamL2Attrs,
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  const inputs: tf.NamedTensorMap = moments ? { p, g, m: moments.m, v: moments.v } : { p, g };
  return tf.engine().runKernel(NAS_ADAM_L2, inputs, attrs as unknown as tf.NamedAttrMap) as [tf.Tensor, tf.Tensor, tf.Tensor];
}

/** Σ x² over all of `tensors`, summed in float64 by one kernel call. */
export function fusedSumOfSquares(tensors: readonly tf.Tensor[]): number {
  const total = tf.engine().runKernel(NAS_SUM_OF_SQUARES, tensors as unknown as tf.NamedTensorMap) as tf.Tensor;
  const value = total.dataSync()[0];
  total.dispose();
  return value;
}
