import * as tf from '@tensorflow/tfjs';
import type { Stride } from './primitives';
import type { OpFactory } from './types';
import { reluFirst } from './types';
import { batchNorm, sepConv } from './blocks';
import { DARTS_OP_FACTORIES } from './darts-ops';

/**
 * DARTS's conv_7x1_1x7 (`operations.py`): ReLU → conv 1×7 (stride 1 × s, padding 0 × 3) → conv 7×1
 * (stride s × 1, padding 3 × 0) → BN. The padding is explicit (tf.pad) so that every backend's
 * convolution and its gradients see a plain 'valid' window.
 */
function conv7x1x1x7(c: number, stride: Stride, ctx: Parameters<OpFactory>[2]) {
  const wide = ctx.params.convFilter(`${ctx.name}.conv1x7`, [1, 7, c, c], 7 * c);
  const tall = ctx.params.convFilter(`${ctx.name}.conv7x1`, [7, 1, c, c], 7 * c);
  const bn = batchNorm(c, ctx, 'bn');
  return reluFirst((r) => {
    const a = tf.conv2d(tf.pad(r, [[0, 0], [0, 0], [3, 3], [0, 0]]), wide as tf.Tensor4D, [1, stride], 'valid');
    const b = tf.conv2d(tf.pad(a, [[0, 0], [3, 3], [0, 0], [0, 0]]), tall as tf.Tensor4D, [stride, 1], 'valid');
    return bn(b);
  });
}

/**
 * Every op a published DARTS-space genotype may name, as the evaluation network builds it
 * (`OPS[name](C, stride, affine=True)`, no BN after poolings, unlike the search's mixed edges): the
 * search vocabulary without RobustDARTS's `noise`, plus the ops of DARTS's `operations.py` that the
 * search space leaves out (sep_conv_7x7, conv_7x1_1x7), which cells of other methods use.
 */
export const EVAL_OP_FACTORIES: Record<string, OpFactory> = {
  none: DARTS_OP_FACTORIES.none,
  avg_pool_3x3: DARTS_OP_FACTORIES.avg_pool_3x3,
  max_pool_3x3: DARTS_OP_FACTORIES.max_pool_3x3,
  skip_connect: DARTS_OP_FACTORIES.skip_connect,
  sep_conv_3x3: DARTS_OP_FACTORIES.sep_conv_3x3,
  sep_conv_5x5: DARTS_OP_FACTORIES.sep_conv_5x5,
  sep_conv_7x7: (c, stride, ctx) => sepConv(c, c, 7, stride, ctx),
  dil_conv_3x3: DARTS_OP_FACTORIES.dil_conv_3x3,
  dil_conv_5x5: DARTS_OP_FACTORIES.dil_conv_5x5,
  conv_7x1_1x7: conv7x1x1x7,
};

export function evalOpFactory(op: string): OpFactory {
  const factory = EVAL_OP_FACTORIES[op];
  if (!factory) throw new Error(`the evaluation network has no op '${op}'; known ops: ${Object.keys(EVAL_OP_FACTORIES).join(', ')}`);
  return factory;
}
