import * as tf from '@tensorflow/tfjs';

/**
 * Depthwise convolution with dilation > 1, stride 1, symmetric zero padding (the output keeps the
 * input's size), differentiable on every backend. tfjs registers no gradient for a dilated depthwise
 * convolution, so the backward pass is composed from ops that have kernels everywhere:
 *  - input gradient: the same dilated depthwise convolution of dy with the spatially flipped filter;
 *  - filter gradient: on wasm, the backend's DepthwiseConv2dNativeBackpropFilter kernel (ours, SIMD
 *    or native, honours dilation); elsewhere (the cpu backend's kernel ignores dilation) a depthwise
 *    convolution whose channels are (batch, channel) pairs, with the padded input as the image, dy as
 *    the filter and the dilation as the stride. XNNPACK runs that composition as a grouped GEMM with
 *    one output per group, ~15 % of the wasm step (docs/performance.md).
 * Both are derived in docs/engine.md and checked against finite differences in the tests.
 */
export function dilatedDepthwiseConv(x: tf.Tensor4D, filter: tf.Tensor4D, dilation: number): tf.Tensor4D {
  const [kh, kw, , mult] = filter.shape;
  if (kh % 2 === 0 || kw % 2 === 0) throw new Error(`dilatedDepthwiseConv needs an odd kernel, got ${kh}x${kw}`);
  if (mult !== 1) throw new Error(`dilatedDepthwiseConv supports channel multiplier 1, got ${mult}`);
  if (dilation === 1) return tf.depthwiseConv2d(x, filter, 1, 'same');
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x4, f4, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([x4, f4]);
    return {
      value: tf.depthwiseConv2d(x4, f4, 1, 'same', 'NHWC', dilation),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, fs] = saved as [tf.Tensor4D, tf.Tensor4D];
        const dy4 = dy as tf.Tensor4D;
        const dx = tf.depthwiseConv2d(dy4, tf.reverse(fs, [0, 1]), 1, 'same', 'NHWC', dilation);
        const dFilter =
          tf.getBackend() === 'wasm' && tf.getKernel(tf.DepthwiseConv2dNativeBackpropFilter, 'wasm') !== undefined
            ? (tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x: xs, dy: dy4 }, { strides: 1, pad: 'same', dilations: dilation, filterShape: fs.shape }) as tf.Tensor4D)
            : depthwiseFilterGrad(xs, dy4, kh, kw, dilation);
        return [dx, dFilter];
      },
    };
  });
  return op(x, filter) as tf.Tensor4D;
}

function depthwiseFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, kh: number, kw: number, dilation: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const ph = (dilation * (kh - 1)) / 2;
    const pw = (dilation * (kw - 1)) / 2;
    const padded = tf.pad(x, [[0, 0], [ph, ph], [pw, pw], [0, 0]]);
    const image = padded.transpose([1, 2, 0, 3]).reshape([1, h + 2 * ph, w + 2 * pw, n * c]) as tf.Tensor4D;
    const kernel = dy.transpose([1, 2, 0, 3]).reshape([h, w, n * c, 1]) as tf.Tensor4D;
    const perPair = tf.depthwiseConv2d(image, kernel, dilation, 'valid');
    return perPair.reshape([kh, kw, n, c]).sum(2).reshape([kh, kw, c, 1]) as tf.Tensor4D;
  });
}
