import * as tf from '@tensorflow/tfjs';
import { Rng } from '../../src-shared/model/rng';

/**
 * A stand-in for a DARTS search step until the real supernet lands: one normal mixed edge (stride
 * 1) and one reduction mixed edge (stride 2) with DARTS's eight operations, their outputs and the
 * input concatenated along channels and mixed by a 1×1 conv, as a cell does. Only the op mix and
 * the shapes matter here; the layer code is deliberately minimal.
 */
export interface StandIn {
  step(): number;
  dispose(): void;
  parameterCount: number;
}

function batchNorm(x: tf.Tensor4D): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [0, 1, 2], true);
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5)));
}

/** Dilated depthwise conv: tfjs has no gradient for it, so the backprop kernels are called directly. */
function dilatedDepthwise(x: tf.Tensor4D, filter: tf.Tensor4D, stride: number, dilation: number): tf.Tensor4D {
  const run = tf.customGrad((...args) => {
    const [a, f, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc];
    save([a, f]);
    const attrs = { strides: stride, dilations: dilation, pad: 'same' as const };
    const value = tf.engine().runKernel(tf.DepthwiseConv2dNative, { x: a, filter: f }, attrs) as tf.Tensor4D;
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sf] = saved as tf.Tensor4D[];
      return [
        tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy, filter: sf }, { ...attrs, inputShape: sx.shape }) as tf.Tensor,
        tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x: sx, dy }, { ...attrs, filterShape: sf.shape }) as tf.Tensor,
      ];
    };
    return { value, gradFunc };
  });
  return run(x, filter) as tf.Tensor4D;
}

export function buildStandIn(shape: [number, number, number, number], seed: number): StandIn {
  const [n, h, w, c] = shape;
  const rng = new Rng(seed);
  const vars: tf.Variable[] = [];
  const param = (dims: number[]) => {
    const size = dims.reduce((a, b) => a * b, 1);
    const scale = 1 / Math.sqrt(size / dims[dims.length - 1]);
    const v = tf.variable(tf.tensor(Float32Array.from({ length: size }, () => rng.normal() * scale), dims));
    vars.push(v);
    return v as tf.Variable<tf.Rank.R4>;
  };
  const input = tf.tensor4d(Float32Array.from({ length: n * h * w * c }, () => rng.normal()), shape);
  const labels = tf.tensor4d(Float32Array.from({ length: n * h * w * c }, () => rng.normal()), shape);

  const sepConv = (k: number) => {
    const [d1, p1, d2, p2] = [param([k, k, c, 1]), param([1, 1, c, c]), param([k, k, c, 1]), param([1, 1, c, c])];
    return (x: tf.Tensor4D, s: number) => {
      const a = batchNorm(tf.conv2d(tf.depthwiseConv2d(tf.relu(x), d1, s, 'same'), p1, 1, 'same'));
      return batchNorm(tf.conv2d(tf.depthwiseConv2d(tf.relu(a), d2, 1, 'same'), p2, 1, 'same'));
    };
  };
  const dilConv = (k: number) => {
    const [d, p] = [param([k, k, c, 1]), param([1, 1, c, c])];
    return (x: tf.Tensor4D, s: number) => batchNorm(tf.conv2d(dilatedDepthwise(tf.relu(x), d, s, 2), p, 1, 'same'));
  };
  const factorizedReduce = () => {
    const [a, b] = [param([1, 1, c, c / 2]), param([1, 1, c, c / 2])];
    return (x: tf.Tensor4D) => {
      const r = tf.relu(x);
      const shifted = tf.slice(r, [0, 1, 1, 0], [n, h - 1, w - 1, c]);
      return batchNorm(tf.concat([tf.conv2d(r, a, 2, 'same'), tf.conv2d(shifted, b, 2, 'same')], 3));
    };
  };
  const edge = (stride: number) => {
    const ops = [sepConv(3), sepConv(5), dilConv(3), dilConv(5)];
    const skip = stride === 1 ? (x: tf.Tensor4D) => tf.clone(x) : factorizedReduce();
    const alphas = tf.variable(tf.tensor1d(Float32Array.from({ length: 7 }, () => 1e-3 * rng.normal())));
    vars.push(alphas);
    return (x: tf.Tensor4D) => {
      const outs = [
        ...ops.map((op) => op(x, stride)),
        batchNorm(tf.maxPool(x, 3, stride, 'same')),
        batchNorm(tf.avgPool(x, 3, stride, 'same')),
        skip(x),
      ];
      const weights = tf.unstack(tf.softmax(alphas));
      return tf.addN(outs.map((o, i) => tf.mul(o, weights[i]))) as tf.Tensor4D;
    };
  };
  const normal = edge(1);
  const reduce = edge(2);
  const mix = param([1, 1, 2 * c, c]);
  const expand = param([1, 1, c, c]);

  const loss = () => {
    const cell = tf.conv2d(tf.concat([normal(input), input], 3), mix, 1, 'same');
    const reduced = reduce(cell);
    const up = tf.conv2d(tf.image.resizeNearestNeighbor(reduced, [h, w]), expand, 1, 'same');
    return tf.mean(tf.square(tf.sub(up, labels))) as tf.Scalar;
  };
  const step = () =>
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, vars);
      for (const v of vars) v.assign(tf.sub(v, tf.mul(0.01, grads[v.name])));
      return value.dataSync()[0];
    });
  return {
    step,
    dispose: () => tf.dispose([input, labels, ...vars]),
    parameterCount: vars.reduce((a, v) => a + v.size, 0),
  };
}
