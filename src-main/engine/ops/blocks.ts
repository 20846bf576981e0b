import * as tf from '@tensorflow/tfjs';
import { reluFirst, type OpContext, type Op, type ReluFirstOp } from './types';
import {
  batchNormNoAffine,
  conv2d,
  depthwiseConv,
  type Stride,
} from './primitives';
import { dilatedDepthwiseConv } from './dilated-depthwise';

/** The composite blocks of DARTS's `operations.py`, NHWC, weights created in the op's context. */

/**
 * BatchNorm over channels; with `affine`, a learnable scale (init 1) and shift (init 0); the
 * context's own `batchNorm` builder when it has one (the evaluation network's running statistics).
 */
export function batchNorm(channels: number, ctx: OpContext, name: string): Op {
  if (ctx.batchNorm) return ctx.batchNorm(channels, `${ctx.name}.${name}`);
  if (!ctx.affine) return batchNormNoAffine;
  const gamma = ctx.params.constant(`${ctx.name}.${name}.gamma`, channels, 1);
  const beta = ctx.params.constant(`${ctx.name}.${name}.beta`, channels, 0);
  return (x) => tf.add(tf.mul(batchNormNoAffine(x), gamma), beta) as tf.Tensor4D;
}

/** k×k conv filter [k, k, inC, outC] with He init. */
export function convFilter(ctx: OpContext, name: string, k: number, inC: number, outC: number): tf.Variable {
  return ctx.params.convFilter(`${ctx.name}.${name}`, [k, k, inC, outC], k * k * inC);
}

function depthwiseFilter(ctx: OpContext, name: string, k: number, channels: number): tf.Variable {
  return ctx.params.convFilter(`${ctx.name}.${name}`, [k, k, channels, 1], k * k);
}

/** ReLU → conv k×k (padding k//2) → BN: DARTS's ReLUConvBN, NAS-Bench-201's nor_conv. */
export function reluConvBn(inC: number, outC: number, k: number, stride: Stride, ctx: OpContext): ReluFirstOp {
  const w = convFilter(ctx, 'conv', k, inC, outC);
  const bn = batchNorm(outC, ctx, 'bn');
  return reluFirst((r) => bn(conv2d(r, w as tf.Tensor4D, stride)));
}

/**
 * ReLU → depthwise k×k (dilation d, stride, padding d·(k-1)/2) → pointwise 1×1 → BN: DARTS's DilConv.
 */
export function dilConv(inC: number, outC: number, k: number, stride: Stride, dilation: number, ctx: OpContext, tag = ''): ReluFirstOp {
  const dw = depthwiseFilter(ctx, `dw${tag}`, k, inC);
  const pw = convFilter(ctx, `pw${tag}`, 1, inC, outC);
  const bn = batchNorm(outC, ctx, `bn${tag}`);
  return reluFirst((r) => {
    const d =
      dilation === 1
        ? depthwiseConv(r, dw as tf.Tensor4D, stride)
        : dilatedDepthwiseConv(r, dw as tf.Tensor4D, dilation, stride);
    return bn(tf.conv2d(d, pw as tf.Tensor4D, 1, 'valid'));
  });
}

/** DARTS's SepConv: the non-dilated DilConv twice, the stride on the first, C_in channels between. */
export function sepConv(inC: number, outC: number, k: number, stride: Stride, ctx: OpContext): ReluFirstOp {
  const first = dilConv(inC, inC, k, stride, 1, ctx, '1');
  const second = dilConv(inC, outC, k, 1, 1, ctx, '2');
  return reluFirst((r) => second(first.onRelu(r)));
}

/**
 * The pixels (2y + 1, 2x + 1) of x, zero beyond its last row/column: what a 1×1 stride-2 conv of x
 * shifted by one pixel reads. For even sizes one Slice of x seen as 2×2 blocks (its gradient one
 * PadV2); odd sizes pad a zero row and column first.
 */
function oddPixels(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const even = h % 2 === 0 && w % 2 === 0 ? x : tf.pad(x, [[0, 0], [0, h % 2], [0, w % 2], [0, 0]]);
  const [h2, w2] = [Math.ceil(h / 2), Math.ceil(w / 2)];
  const blocks = tf.reshape(even, [n, h2, 2, w2, 2, c]);
  return tf.reshape(tf.slice(blocks, [0, 0, 1, 0, 1, 0], [n, h2, 1, w2, 1, c]), [n, h2, w2, c]);
}

/**
 * ReLU → two 1×1 stride-2 convs, on x and on x shifted by one pixel, concatenated → BN (DARTS's
 * FactorizedReduce). The shift zero-fills the last row/column (as AutoDL's version does) so odd
 * sizes work too; for even sizes it equals DARTS's `x[:, :, 1:, 1:]`.
 */
export function factorizedReduce(inC: number, outC: number, ctx: OpContext): ReluFirstOp {
  if (outC % 2 !== 0) throw new Error(`FactorizedReduce needs an even number of output channels, got ${outC}`);
  const w1 = convFilter(ctx, 'conv1', 1, inC, outC / 2);
  const w2 = convFilter(ctx, 'conv2', 1, inC, outC / 2);
  const bn = batchNorm(outC, ctx, 'bn');
  return reluFirst((r) => {
    const a = tf.conv2d(r, w1 as tf.Tensor4D, 2, 'valid');
    const b = tf.conv2d(oddPixels(r), w2 as tf.Tensor4D, 1, 'valid');
    return bn(tf.concat([a, b], 3));
  });
}

/** DARTS's Zero: zeros of the (strided) output shape; contributes nothing to any gradient. */
export function zeros(stride: Stride): Op {
  return (x) => {
    const [n, h, w, c] = x.shape;
    return tf.zeros([n, Math.ceil(h / stride), Math.ceil(w / stride), c]);
  };
}
