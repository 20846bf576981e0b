import * as tf from '@tensorflow/tfjs';
import { CPU, hostKernelConfig, requireSameSize, type HostKernelFunc } from './host-kernel';
import { requireInputs, WASM } from './kernel-util';

/** One weight's step of torch.optim.SGD with momentum and L2 weight decay, in one kernel call. */
export const NAS_SGD_MOMENTUM = 'NasSgdMomentum';

export interface NasSgdMomentumAttrs {
  lr: number;
  momentum: number;
  weightDecay: number;
  /** Multiplies the gradient first (gradient clipping's scale; 1 without clipping). */
  gradScale: number;
}

/**
 * Inputs {w, g, buf?} → [wNext, bufNext]: d = g·scale + wd·w; buf = μ·buf + d (buf = d without a
 * previous buffer, PyTorch's first step); w − lr·buf. The buffer is rounded to float32 before the
 * weight update, as the composed ops round it.
 */
const sgdMomentum: HostKernelFunc = ({ inputs, attrs, host }) => {
  const { w, g } = requireInputs(NAS_SGD_MOMENTUM, inputs, ['w', 'g']);
  const buf = inputs.buf;
  requireSameSize(NAS_SGD_MOMENTUM, { g, buf }, tf.util.sizeFromShape(w.shape));
  const { lr, momentum, weightDecay, gradScale } = attrs as unknown as NasSgdMomentumAttrs;
  return host.compute(buf ? [w, g, buf] : [w, g], [w.shape, w.shape], ([wv, gv, bv], [wOut, bOut]) => {
    const n = wv.length;
    if (bv) {
      for (let i = 0; i < n; i++) {
        const b = Math.fround(momentum * bv[i] + (gv[i] * gradScale + weightDecay * wv[i]));
        bOut[i] = b;
        wOut[i] = wv[i] - lr * b;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const b = Math.fround(gv[i] * gradScale + weightDecay * wv[i]);
        bOut[i] = b;
        wOut[i] = wv[i] - lr * b;
      }
    }
  });
};

export const nasSgdMomentumConfig = hostKernelConfig(NAS_SGD_MOMENTUM, WASM, sgdMomentum);
export const nasSgdMomentumCpuConfig = hostKernelConfig(NAS_SGD_MOMENTUM, CPU, sgdMomentum);
