/**
 * FLOPs of a training step, counted from the shapes of the multiply-accumulate kernels one forward
 * pass runs: conv2d 2·N·oh·ow·kh·kw·Cin·Cout, depthwise 2·N·oh·ow·kh·kw·C·m, matMul 2·B·M·N·K.
 * A step (forward + backward) is taken as 3× the forward: each of these ops has two gradients
 * (input and weights) of the same cost. Element-wise ops, BN and pooling are left out, as in the
 * usual FLOP counts of convnets (they are memory-bound, few FLOPs).
 */
import * as tf from '@tensorflow/tfjs';

const COUNTED = ['Conv2D', 'DepthwiseConv2dNative', 'BatchMatMul', '_FusedMatMul', 'FusedConv2D', 'FusedDepthwiseConv2D'];

function kernelFlops(name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap | undefined, outputs: tf.TensorInfo): number {
  const out = outputs.shape;
  if (name.includes('Conv2D')) {
    const [kh, kw, cin] = inputs.filter!.shape;
    return 2 * tf.util.sizeFromShape(out) * kh * kw * cin;
  }
  if (name.includes('Depthwise')) {
    const [kh, kw] = inputs.filter!.shape;
    return 2 * tf.util.sizeFromShape(out) * kh * kw;
  }
  const a = inputs.a!.shape;
  const k = attrs?.transposeA ? a[a.length - 2] : a[a.length - 1];
  return 2 * tf.util.sizeFromShape(out) * k;
}

/** Forward FLOPs of `forward` on `backend` (run once, inside a tidy). */
export function forwardFlops(backend: string, forward: () => tf.Tensor): number {
  let flops = 0;
  const originals = COUNTED.map((n) => tf.getKernel(n, backend)).filter((k): k is tf.KernelConfig => k !== undefined);
  for (const config of originals) {
    tf.unregisterKernel(config.kernelName, backend);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        const out = config.kernelFunc(args);
        flops += kernelFlops(config.kernelName, args.inputs, args.attrs, (Array.isArray(out) ? out[0] : out) as tf.TensorInfo);
        return out;
      },
    });
  }
  try {
    tf.tidy(forward);
  } finally {
    for (const config of originals) {
      tf.unregisterKernel(config.kernelName, backend);
      tf.registerKernel(config);
    }
  }
  return flops;
}
