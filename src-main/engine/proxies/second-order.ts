import * as tf from '@tensorflow/tfjs';
import { NAS_RELU_GRAD } from '../backend/kernels/NasReluGrad';
import { withTwiceDifferentiableOps } from '../ops/twice-differentiable';

/**
 * A gradient of a gradient (GraSP's Hessian-vector product) differentiates the backward pass's own
 * kernels. tfjs registers no gradient for the filter gradients of convolutions, the input gradient
 * of a depthwise convolution, AvgPoolGrad, or our NasReluGrad; each is linear in its `dy`, so its
 * gradient is its adjoint, registered here. They are correct gradients, so they stay registered
 * (registration is idempotent); nothing uses them outside a second-order pass.
 */
let registered = false;

type Attrs = tf.NamedAttrMap;
const run = (kernel: string, inputs: tf.NamedTensorMap, attrs: Attrs): tf.Tensor => tf.engine().runKernel(kernel, inputs, attrs) as tf.Tensor;

function registerSecondOrderGradients(): void {
  if (registered) return;
  registered = true;
  // dW = Conv2DBackpropFilter(x, dy): linear in x and in dy.
  tf.registerGradient({
    kernelName: tf.Conv2DBackpropFilter,
    inputsToSave: ['x', 'dy'],
    gradFunc: (ddw, [x, dy], attrs) => {
      const { strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
      return {
        x: () => run(tf.Conv2DBackpropInput, { dy, filter: ddw as tf.Tensor }, { strides, pad, dataFormat, dimRoundingMode, inputShape: x.shape } as unknown as Attrs),
        dy: () => run(tf.Conv2D, { x, filter: ddw as tf.Tensor }, { strides, pad, dataFormat, dilations: 1, dimRoundingMode } as unknown as Attrs),
      };
    },
  });
  // dx = DepthwiseConv2dNativeBackpropInput(dy, filter) and dW = …BackpropFilter(x, dy), dilation 1.
  tf.registerGradient({
    kernelName: tf.DepthwiseConv2dNativeBackpropInput,
    inputsToSave: ['dy', 'filter'],
    gradFunc: (ddx, [dy, filter], attrs) => {
      const { strides, pad, dilations, dimRoundingMode } = attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
      requireUndilated(dilations);
      const common = { strides, pad, dilations, dimRoundingMode };
      return {
        dy: () => run(tf.DepthwiseConv2dNative, { x: ddx as tf.Tensor, filter }, common as unknown as Attrs),
        filter: () => run(tf.DepthwiseConv2dNativeBackpropFilter, { x: ddx as tf.Tensor, dy }, { ...common, filterShape: filter.shape } as unknown as Attrs),
      };
    },
  });
  tf.registerGradient({
    kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
    inputsToSave: ['x', 'dy'],
    gradFunc: (ddw, [x, dy], attrs) => {
      const { strides, pad, dilations, dimRoundingMode } = attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
      requireUndilated(dilations);
      const common = { strides, pad, dilations, dimRoundingMode };
      return {
        x: () => run(tf.DepthwiseConv2dNativeBackpropInput, { dy, filter: ddw as tf.Tensor }, { ...common, inputShape: x.shape } as unknown as Attrs),
        dy: () => run(tf.DepthwiseConv2dNative, { x, filter: ddw as tf.Tensor }, common as unknown as Attrs),
      };
    },
  });
  // AvgPoolGrad spreads dy evenly over each window; its adjoint averages: the pooling itself. Only
  // unpadded windows (the batch norm's channel mean, NB201's 2×2 shortcut): a padded AvgPoolGrad
  // divides by the full window at the borders on some backends, whose adjoint is not AvgPool.
  tf.registerGradient({
    kernelName: tf.AvgPoolGrad,
    inputsToSave: ['input'],
    gradFunc: (ddx, [input], attrs) => {
      const { filterSize, strides, pad } = attrs as unknown as tf.AvgPoolGradAttrs;
      if (pad !== 'valid' && pad !== 0) throw new Error(`second derivative of a padded average pooling (pad ${String(pad)}) not built: its backward is not AvgPool's adjoint`);
      return {
        dy: () => run(tf.AvgPool, { x: ddx as tf.Tensor }, { filterSize, strides, pad } as unknown as Attrs),
        input: () => tf.zerosLike(input),
      };
    },
  });
  // dy · step(x): dy's gradient is the same mask; x's is zero almost everywhere.
  tf.registerGradient({
    kernelName: NAS_RELU_GRAD,
    inputsToSave: ['x'],
    gradFunc: (ddx, [x]) => ({
      dy: () => run(NAS_RELU_GRAD, { dy: ddx as tf.Tensor, x }, {}),
      x: () => tf.zerosLike(x),
    }),
  });
}

function requireUndilated(dilations: number | [number, number] | undefined): void {
  const d = dilations ?? 1;
  if (typeof d === 'number' ? d !== 1 : d.some((v) => v !== 1)) throw new Error('second derivative of a dilated depthwise convolution not built (dilatedDepthwiseConv refuses it in its forward)');
}

/**
 * tfjs's Exp gradient multiplies by the saved output, which the tape keeps detached from the input:
 * its second derivative would be lost. This one recomputes exp from the input (the cross-entropy's
 * softmax needs it); it is swapped in for the second-order pass only (one more exp per backward).
 */
const expFromInput: tf.GradConfig = {
  kernelName: tf.Exp,
  inputsToSave: ['x'],
  gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.exp(x)) }),
};

/**
 * Runs `f` (which takes gradients of gradients) with every kernel it may differentiate twice having a
 * gradient, and the project's ops in their twice-differentiable form (ops/twice-differentiable.ts).
 * A network with an op that has none built throws NoSecondDerivativeError in its forward pass.
 */
export function withSecondOrderGradients<T>(f: () => T): T {
  registerSecondOrderGradients();
  const exp = tf.getGradient(tf.Exp);
  tf.registerGradient(expFromInput);
  try {
    return withTwiceDifferentiableOps(f);
  } finally {
    tf.registerGradient(exp);
  }
}
