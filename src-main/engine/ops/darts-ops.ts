import * as tf from '@tensorflow/tfjs';
import type { DartsOp } from '../../../src-shared/model/space';
import type { OpFactory } from './types';
import { avgPool3x3ExcludePad, maxPool3x3 } from './primitives';
import { batchNorm, dilConv, factorizedReduce, sepConv, zeros } from './blocks';

/**
 * The DARTS op vocabulary (Liu et al. 2019, `cnn/operations.py`) plus RobustDARTS's `noise`
 * (Zela et al. 2020): one small factory per op, C channels in and out, NHWC.
 */
export const DARTS_OP_FACTORIES = {
  none: (_c, stride) => zeros(stride),
  avg_pool_3x3: (_c, stride) => (x) => avgPool3x3ExcludePad(x, stride),
  max_pool_3x3: (_c, stride) => (x) => maxPool3x3(x, stride),
  skip_connect: (c, stride, ctx) => (stride === 1 ? (x) => x : factorizedReduce(c, c, ctx)),
  sep_conv_3x3: (c, stride, ctx) => sepConv(c, c, 3, stride, ctx),
  sep_conv_5x5: (c, stride, ctx) => sepConv(c, c, 5, stride, ctx),
  dil_conv_3x3: (c, stride, ctx) => dilConv(c, c, 3, stride, 2, ctx),
  dil_conv_5x5: (c, stride, ctx) => dilConv(c, c, 5, stride, 2, ctx),
  /** RobustDARTS S4: standard normal noise of the (strided) output shape, whatever the input. */
  noise: (_c, stride, ctx) => (x) => {
    const [n, h, w, c] = x.shape;
    const seed = ctx.rng.uint32();
    return tf.randomNormal([n, Math.ceil(h / stride), Math.ceil(w / stride), c], 0, 1, 'float32', seed);
  },
} as const satisfies Record<DartsOp, OpFactory>;

/**
 * An op as it sits on a DARTS mixed edge: DARTS's MixedOp follows every pooling with a BN without
 * affine parameters so that parameter-free ops get outputs on the same scale as the convolutions.
 */
export const dartsEdgeOp: (op: DartsOp) => OpFactory = (op) => (c, stride, ctx) => {
  const built = DARTS_OP_FACTORIES[op](c, stride, ctx);
  if (!op.includes('pool')) return built;
  const bn = batchNorm(c, { ...ctx, affine: false }, 'pool_bn');
  return (x) => bn(built(x));
};
