import * as tf from '@tensorflow/tfjs';
import type { Stride } from '../ops/primitives';

/**
 * PC-DARTS's partial channel connections (Xu et al., ICLR 2020; yuhuixu1993/PC-DARTS
 * `model_search.py` MixedOp): an edge mixes its candidate ops on the first C/K channels of its input
 * only; the other channels bypass the ops (max-pooled 2×2 on a reduction edge, as the authors'
 * `nn.MaxPool2d(2, 2)`; 'same' padding here, equal to theirs on the even sizes a DARTS space has), the
 * two parts are concatenated and the channels shuffled in K groups, so the next edge's first C/K
 * channels hold a different share of the feature map.
 */
export function partialChannelEdge(
  x: tf.Tensor4D,
  k: number,
  stride: Stride,
  mixed: (part: tf.Tensor4D) => tf.Tensor4D,
): tf.Tensor4D {
  const channels = x.shape[3];
  const width = channels / k;
  const [n, h, w] = x.shape;
  const selected = tf.slice(x, [0, 0, 0, 0], [n, h, w, width]);
  const bypass = tf.slice(x, [0, 0, 0, width], [n, h, w, channels - width]);
  const kept = stride === 2 ? tf.maxPool(bypass, 2, 2, 'same') : bypass;
  return channelShuffle(tf.concat([mixed(selected), kept], 3), k);
}

/**
 * ShuffleNet's channel shuffle in NHWC, PyTorch's `channel_shuffle(x, groups)`: channel
 * g·(C/groups) + i moves to i·groups + g.
 */
export function channelShuffle(x: tf.Tensor4D, groups: number): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  if (c % groups !== 0) throw new Error(`channel shuffle: ${c} channels do not split into ${groups} groups`);
  const grouped = tf.reshape(x, [n, h, w, groups, c / groups]);
  return tf.reshape(tf.transpose(grouped, [0, 1, 2, 4, 3]), [n, h, w, c]);
}
