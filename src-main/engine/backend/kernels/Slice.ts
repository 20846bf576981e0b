import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { requireInputs, WASM } from './kernel-util';
import { stockKernel } from './stock';

/** One axis of a slice after merging: the input's extent, where the slice starts and how many it takes. */
interface Axis {
  extent: number;
  begin: number;
  size: number;
}

/**
 * Merges each axis into its outer neighbour wherever the inner one is taken whole, so the copy runs
 * over as few, as long contiguous runs as possible: a crop of [n, h, w, c] becomes n·h runs of w·c
 * floats; the 6-D every-second-pixel slice of `subsample2` becomes runs of c floats.
 */
export function mergeSliceAxes(shape: readonly number[], begin: readonly number[], size: readonly number[]): Axis[] {
  const axes: Axis[] = [];
  for (let i = shape.length - 1; i >= 0; i--) {
    const axis = { extent: shape[i], begin: begin[i], size: size[i] };
    const inner = axes[0];
    if (inner && inner.begin === 0 && inner.size === inner.extent) {
      axes[0] = { extent: axis.extent * inner.extent, begin: axis.begin * inner.extent, size: axis.size * inner.extent };
    } else {
      axes.unshift(axis);
    }
  }
  return axes;
}

/** Copies the slice's runs; short runs element by element (a subarray per run costs more than the copy). */
function copySlice(src: tf.TypedArray, dst: tf.TypedArray, axes: Axis[]): void {
  const rank = axes.length;
  const run = axes[rank - 1].size;
  const strides = new Array<number>(rank);
  strides[rank - 1] = 1;
  for (let i = rank - 2; i >= 0; i--) strides[i] = strides[i + 1] * axes[i + 1].extent;
  const index = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let i = 0; i < rank; i++) offset += axes[i].begin * strides[i];
  const runs = dst.length / run;
  let out = 0;
  for (let r = 0; r < runs; r++) {
    if (run >= 64) dst.set(src.subarray(offset, offset + run), out);
    else for (let k = 0; k < run; k++) dst[out + k] = src[offset + k];
    out += run;
    // Odometer over the outer axes.
    for (let a = rank - 2; a >= 0; a--) {
      index[a]++;
      offset += strides[a];
      if (index[a] < axes[a].size) break;
      offset -= index[a] * strides[a];
      index[a] = 0;
    }
  }
}

/**
 * Slice by contiguous runs on views of the wasm heap. The stock kernel copies per innermost row
 * with a subarray each (costly for C = 8–64 channels) and falls back to tfjs's per-element CPU
 * slice beyond rank 4; slices are everywhere in training (the gradient of every pad, SplitV).
 */
function slice(args: { inputs: tf.NamedTensorInfoMap; attrs?: tf.NamedAttrMap; backend: BackendWasm }): tf.TensorInfo {
  const { x } = requireInputs(tf.Slice, args.inputs, ['x']);
  if (x.dtype === 'string') return stockKernel(tf.Slice).kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  const { begin, size } = args.attrs as unknown as tf.SliceAttrs;
  const [begins, sizes] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, size);
  const { backend } = args;
  const out = backend.makeOutput(sizes, x.dtype);
  if (sizes.some((s) => s === 0)) return out;
  // Views are taken after the allocation: a growing heap replaces its ArrayBuffer.
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  copySlice(src, dst, mergeSliceAxes(x.shape, begins, sizes));
  return out;
}

export const sliceConfig: tf.KernelConfig = {
  kernelName: tf.Slice,
  backendName: WASM,
  kernelFunc: slice as unknown as tf.KernelFunc,
};
