import * as tf from '@tensorflow/tfjs';
import type { EvaluationNetwork } from './network';

export interface NetworkComplexity {
  /** Trainable parameters as papers count them: every weight but the auxiliary head's (BN scale and shift included, running statistics not). */
  params: number;
  /** The auxiliary head's parameters (trained, not counted in `params`). */
  auxParams: number;
  /** Multiply-adds of one image's inference: convolutions (full and depthwise) and the classifier. */
  multiplyAdds: number;
}

/** Kernels whose multiply-adds are output size × (filter size / output channels): one k×k×C_in dot product per output value. */
const CONV_KERNELS = new Set(['Conv2D', 'FusedConv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2D']);
const MATMUL_KERNELS = new Set(['BatchMatMul', '_FusedMatMul']);

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Multiply-adds of the kernels one evaluation-mode forward pass of one image ran, read from
 * tf.profile: the counted network is the network that trains, whatever its ops. A convolution's
 * output value costs one multiply-add per filter weight it reads (k·k·C_in for a full one, k·k for a
 * depthwise one): |y|·|filter|/C_out; a matrix product [M, K]·[K, N] costs M·K·N = |a|·N. Pooling,
 * batch norm, ReLU and additions are not counted, as papers leave them out.
 */
export async function countMultiplyAdds(network: Pick<EvaluationNetwork, 'input' | 'mode' | 'forward'>): Promise<number> {
  const { height, width, channels } = network.input;
  const wasTraining = network.mode.training;
  const x = tf.zeros([1, height, width, channels]) as tf.Tensor4D;
  try {
    const info = await tf.profile(() => tf.tidy(() => network.forward(x, { training: false, dropPathProb: 0 }).logits));
    tf.dispose(info.result as tf.Tensor);
    let total = 0;
    for (const k of info.kernels) {
      const out = k.outputShapes[0];
      if (!out) continue;
      if (CONV_KERNELS.has(k.name)) total += (size(out) * size(k.inputShapes[1])) / out[out.length - 1];
      else if (MATMUL_KERNELS.has(k.name)) total += size(k.inputShapes[0]) * out[out.length - 1];
    }
    return total;
  } finally {
    x.dispose();
    network.mode.training = wasTraining;
  }
}

/** Parameters (papers' count) and multiply-adds of a built network. */
export async function measureComplexity(network: EvaluationNetwork): Promise<NetworkComplexity> {
  return { params: network.params.count(), auxParams: network.auxParams.count(), multiplyAdds: await countMultiplyAdds(network) };
}
