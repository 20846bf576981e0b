import * as tf from '@tensorflow/tfjs';
import { trainingLoss } from './loss';
import type { ProxyFunction } from './types';

/** The kernels of PyTorch's nn.Conv2d (full and depthwise) and nn.Linear, with how many weights feed one output channel. */
const LAYER_KERNELS: Record<string, (filter: tf.Tensor) => number> = {
  Conv2D: (f) => f.shape[0]! * f.shape[1]! * f.shape[2]!,
  DepthwiseConv2dNative: (f) => f.shape[0]! * f.shape[1]!,
  BatchMatMul: (b) => b.shape[b.rank - 2]!,
};

/**
 * Runs `backward` with the gradients of the conv and linear kernels observed: `observe` gets each
 * layer's output a (recomputed from the saved inputs), its gradient dy = ∂L/∂a and the weights per
 * output channel. The original gradients are put back whatever happens.
 */
function withLayerGradients(observe: (act: tf.Tensor, dy: tf.Tensor, fan: number) => void, backward: () => void): void {
  const originals = Object.keys(LAYER_KERNELS).map((name) => tf.getGradient(name));
  for (const original of originals) {
    const [first, second] = original.inputsToSave!;
    tf.registerGradient({
      ...original,
      gradFunc: (dy, saved, attrs) => {
        const act = tf.engine().runKernel(original.kernelName, { [first]: saved[0], [second]: saved[1] }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
        observe(act, dy as tf.Tensor, LAYER_KERNELS[original.kernelName](saved[1]));
        act.dispose();
        return original.gradFunc(dy, saved, attrs);
      },
    });
  }
  try {
    backward();
  } finally {
    for (const original of originals) tf.registerGradient(original);
  }
}

/**
 * fisher (Turner et al., 2020, as in zero-cost-nas measures/fisher.py): for each conv/linear layer
 * output a with gradient g = ∂L/∂a, per output channel k: Δ_k = ½·mean_n(Σ_spatial a·g)²; the
 * authors spread Δ_k over the channel's weights and the score sums every weight's value, i.e.
 * Σ_layers Σ_k Δ_k × (weights per channel). Training mode. Our linear output is taken before its
 * bias (the bias is a separate add here).
 */
export const fisher: ProxyFunction = (network, batch) => {
  let score = 0;
  withLayerGradients(
    (act, dy, fan) => {
      score += tf.tidy(() => {
        const a = act.rank === 4 ? act : tf.reshape(act, [-1, act.shape[act.rank - 1]]);
        const g = tf.reshape(dy, a.shape);
        const perImage = a.rank === 4 ? tf.sum(tf.mul(a, g), [1, 2]) : tf.mul(a, g);
        return tf.mul(tf.sum(tf.mul(tf.mean(tf.square(perImage), 0), 0.5)), fan).dataSync()[0];
      });
    },
    () => tf.tidy(() => void tf.grads((x: tf.Tensor) => trainingLoss(network, { ...batch, images: x as tf.Tensor4D }))([batch.images])),
  );
  return score;
};
