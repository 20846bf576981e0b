import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../../src-shared/model/rng';
import { convFilter } from '../ops/blocks';
import type { OpContext } from '../ops/types';

/**
 * DARTS's drop_path (cnn/utils.py) as per-sample factors [n, 1, 1, 1] to multiply a cell's op
 * output by: each sample is kept with probability 1 − p and divided by 1 − p (factor 1/(1 − p)), or
 * zeroed (factor 0); n Bernoulli draws from the run's seeded Rng, in sample order. A mask rather than
 * the product so a cell recomputed for its gradient multiplies by the masks its forward pass drew.
 */
export function dropPathMask(n: number, prob: number, rng: Rng): tf.Tensor4D {
  return maskTensor(dropPathFactors(n, prob, rng));
}

/** The factors of dropPathMask as an array (drawn on one thread, multiplied on another). */
export function dropPathFactors(n: number, prob: number, rng: Rng): Float32Array {
  if (!(prob >= 0 && prob < 1)) throw new Error(`the drop-path probability must be in [0, 1), got ${prob}`);
  const keep = 1 - prob;
  const mask = new Float32Array(n);
  for (let i = 0; i < n; i++) mask[i] = rng.next() < keep ? 1 / keep : 0;
  return mask;
}

/** Factors [n] as the [n, 1, 1, 1] tensor a cell's op output is multiplied by. */
export function maskTensor(factors: Float32Array): tf.Tensor4D {
  return tf.tensor4d(factors, [factors.length, 1, 1, 1]);
}

export type AuxiliaryHead = (x: tf.Tensor4D) => tf.Tensor2D;

/**
 * DARTS's AuxiliaryHeadCIFAR / AuxiliaryHeadImageNet (cnn/model.py): ReLU, average pooling 5×5
 * (stride 3 for CIFAR, 2 for ImageNet, no padding), conv 1×1 to 128 + BN + ReLU, conv to 768
 * (+ BN for CIFAR only, as DARTS's ImageNet head leaves it out) + ReLU, linear classifier. DARTS's
 * second conv is 2×2 because its pooled map is 2×2 (8×8 CIFAR maps, 7×7 ImageNet ones); here its
 * kernel is the pooled map's size, which is DARTS's 2×2 there and also fits other inputs (a 28×28
 * Fashion-MNIST image leaves a 7×7 map and a 1×1 pooled one), so the head always ends at 1×1.
 */
export function auxiliaryHead(
  channels: number,
  [h, w]: [number, number],
  classes: number,
  variant: 'cifar' | 'imagenet',
  ctx: (name: string) => OpContext,
): AuxiliaryHead {
  if (h < 5 || w < 5) {
    throw new Error(`the auxiliary head pools 5×5 windows but the feature map at 2/3 depth is ${h}×${w}: use larger images or turn the auxiliary head off`);
  }
  const stride = variant === 'cifar' ? 3 : 2;
  const [ph, pw] = [Math.floor((h - 5) / stride) + 1, Math.floor((w - 5) / stride) + 1];
  const features = ctx('features');
  const w1 = convFilter(features, 'conv1', 1, channels, 128);
  const bn1 = features.batchNorm!(128, 'auxiliary_head.features.bn1');
  const w2 = features.params.convFilter(`${features.name}.conv2`, [ph, pw, 128, 768], ph * pw * 128);
  const bn2 = variant === 'cifar' ? features.batchNorm!(768, 'auxiliary_head.features.bn2') : (x: tf.Tensor4D) => x;
  const classifier = ctx('classifier');
  const wc = classifier.params.dense(`${classifier.name}.weight`, 768, classes);
  const bc = classifier.params.bias(`${classifier.name}.bias`, classes, 768);
  return (x) => {
    const pooled = tf.avgPool(tf.relu(x), 5, stride, 'valid');
    const a = tf.relu(bn1(tf.conv2d(pooled, w1 as tf.Tensor4D, 1, 'valid')));
    const b = tf.relu(bn2(tf.conv2d(a, w2 as tf.Tensor4D, 1, 'valid')));
    return tf.add(tf.matMul(tf.reshape(b, [b.shape[0], 768]), wc as tf.Tensor2D), bc) as tf.Tensor2D;
  };
}
