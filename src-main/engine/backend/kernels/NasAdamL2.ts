import * as tf from '@tensorflow/tfjs';
import { CPU, hostKernelConfig, requireSameSize, type HostKernelFunc } from './host-kernel';
import { requireInputs, WASM } from './kernel-util';

/** One parameter's step of torch.optim.Adam with L2 weight decay added to the gradient, in one kernel call. */
export const NAS_ADAM_L2 = 'NasAdamL2';

export interface NasAdamL2Attrs {
  lr: number;
  beta1: number;
  beta2: number;
  weightDecay: number;
  eps: number;
  /** The step number t ≥ 1 (bias corrections 1 − β^t). */
  step: number;
}

/**
 * Inputs {p, g, m?, v?} (m, v absent: zeros) → [pNext, mNext, vNext]: g' = g + wd·p;
 * m = β1·m + (1−β1)·g'; v = β2·v + (1−β2)·g'²; p − lr·(m/c1)/(√(v/c2) + eps). The moments are
 * rounded to float32 before the update, as the composed ops round them.
 */
const adamL2: HostKernelFunc = ({ inputs, attrs, host }) => {
  const { p, g } = requireInputs(NAS_ADAM_L2, inputs, ['p', 'g']);
  const { m, v } = inputs;
  if ((m === undefined) !== (v === undefined)) throw new Error(`${NAS_ADAM_L2}: give both moments m and v, or neither (first step).`);
  requireSameSize(NAS_ADAM_L2, { g, m, v }, tf.util.sizeFromShape(p.shape));
  const { lr, beta1, beta2, weightDecay, eps, step } = attrs as unknown as NasAdamL2Attrs;
  const c1 = 1 - beta1 ** step;
  const c2 = 1 - beta2 ** step;
  const ins = m && v ? [p, g, m, v] : [p, g];
  return host.compute(ins, [p.shape, p.shape, p.shape], ([pv, gv, mv, vv], [pOut, mOut, vOut]) => {
    for (let i = 0; i < pv.length; i++) {
      const grad = gv[i] + weightDecay * pv[i];
      const mi = Math.fround((mv ? beta1 * mv[i] : 0) + (1 - beta1) * grad);
      const vi = Math.fround((vv ? beta2 * vv[i] : 0) + (1 - beta2) * grad * grad);
      mOut[i] = mi;
      vOut[i] = vi;
      pOut[i] = pv[i] - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
    }
  });
};

export const nasAdamL2Config = hostKernelConfig(NAS_ADAM_L2, WASM, adamL2);
export const nasAdamL2CpuConfig = hostKernelConfig(NAS_ADAM_L2, CPU, adamL2);
