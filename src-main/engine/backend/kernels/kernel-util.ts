import * as tf from '@tensorflow/tfjs';

/** The backend every kernel in this folder completes. */
export const WASM = 'wasm';

/**
 * Kernels reached through the engine receive the caller's Tensors; a bare TensorInfo (a kernel called
 * directly by another backend kernel) is wrapped so that tf ops accept it. Call inside tf.tidy: the
 * wrapper holds a reference that tidy releases.
 */
export function asTensor<R extends tf.Rank>(info: tf.TensorInfo): tf.Tensor<R> {
  if (info instanceof tf.Tensor) return info as tf.Tensor<R>;
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor<R>;
}

export function pair(v: number | [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : v;
}

export function requireChannelsLast(kernelName: string, dataFormat: string | undefined): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(
      `${kernelName} on the wasm backend supports NHWC (channels last) only, got dataFormat '${dataFormat}'; ` +
        'transpose the input to NHWC.',
    );
  }
}

/**
 * Pads (positive amounts) or crops (negative amounts) the two spatial axes of an NHWC tensor, so the
 * result has exactly the rows and columns a 'valid' convolution needs.
 */
export function padOrCrop(
  x: tf.Tensor4D,
  top: number,
  bottom: number,
  left: number,
  right: number,
): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  let out = x;
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const cropTop = Math.max(0, -top);
    const cropLeft = Math.max(0, -left);
    const rows = h - cropTop - Math.max(0, -bottom);
    const cols = w - cropLeft - Math.max(0, -right);
    out = tf.slice(out, [0, cropTop, cropLeft, 0], [n, rows, cols, c]);
  }
  const pads: Array<[number, number]> = [
    [0, 0],
    [Math.max(0, top), Math.max(0, bottom)],
    [Math.max(0, left), Math.max(0, right)],
    [0, 0],
  ];
  if (pads[1][0] + pads[1][1] + pads[2][0] + pads[2][1] > 0) out = tf.pad(out, pads);
  return out;
}

/**
 * Inserts stride-1 zeros between the rows and columns of dy (NHWC), the input of a transposed
 * convolution. The result has (s - 1) trailing zero rows/columns beyond the last dy row; callers
 * account for them in their bottom/right padding.
 */
export function zeroStuff(dy: tf.Tensor4D, strideH: number, strideW: number): tf.Tensor4D {
  if (strideH === 1 && strideW === 1) return dy;
  const [n, h, w, c] = dy.shape;
  const spread = tf.pad(tf.reshape(dy, [n, h, 1, w, 1, c]), [
    [0, 0],
    [0, 0],
    [0, strideH - 1],
    [0, 0],
    [0, strideW - 1],
    [0, 0],
  ]);
  return tf.reshape(spread, [n, h * strideH, w * strideW, c]);
}

/** Runs `body` inside tf.tidy and checks the result has the shape the kernel promises. */
export function tidyKernel(kernelName: string, shape: number[], body: () => tf.Tensor): tf.Tensor {
  const out = tf.tidy(body);
  if (out.shape.length !== shape.length || out.shape.some((d, i) => d !== shape[i])) {
    const got = out.shape.join(',');
    out.dispose();
    throw new Error(`${kernelName}: composed result has shape [${got}], expected [${shape.join(',')}]`);
  }
  return out;
}

/** Padding of the two spatial axes in tf's explicit form, [[0, 0], [top, bottom], [left, right], [0, 0]]. */
export type SpatialPadding = [[number, number], [number, number], [number, number], [number, number]];

/**
 * The input gradient of a (depthwise) convolution is a stride-1 convolution of zero-stuffed dy with
 * the spatially flipped filter. Given the forward convolution's geometry this returns dy stuffed
 * (and cropped where the forward padding exceeds the window) together with the padding with which a
 * stride-1 convolution (dilated like the forward one) yields exactly the input's rows and columns.
 * The padding goes to the convolution kernel as its explicit padding: XNNPACK pads on the fly, so
 * no padded copy of dy is made.
 */
export function stuffForInputGradient(
  dy: tf.Tensor4D,
  info: tf.backend_util.Conv2DInfo,
): { stuffed: tf.Tensor4D; pad: SpatialPadding } {
  const { strideHeight: sh, strideWidth: sw, padInfo } = info;
  const top = info.effectiveFilterHeight - 1 - padInfo.top;
  const left = info.effectiveFilterWidth - 1 - padInfo.left;
  // Rows needed: inHeight + effectiveFilterHeight - 1; the stuffed dy has outHeight * sh of them.
  const bottom = info.inHeight + info.effectiveFilterHeight - 1 - top - info.outHeight * sh;
  const right = info.inWidth + info.effectiveFilterWidth - 1 - left - info.outWidth * sw;
  const cropped = padOrCrop(zeroStuff(dy, sh, sw), Math.min(0, top), Math.min(0, bottom), Math.min(0, left), Math.min(0, right));
  const pad: SpatialPadding = [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]];
  return { stuffed: cropped, pad };
}

/** The named inputs of a kernel call, each checked present (tfjs types them as optional). */
export function requireInputs<K extends string>(
  kernelName: string,
  inputs: tf.NamedTensorInfoMap,
  names: readonly K[],
): Record<K, tf.TensorInfo> {
  const out = {} as Record<K, tf.TensorInfo>;
  for (const name of names) {
    const info = inputs[name];
    if (info === undefined) throw new Error(`${kernelName}: input '${name}' is missing.`);
    out[name] = info;
  }
  return out;
}
