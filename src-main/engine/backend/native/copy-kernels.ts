import * as tf from '@tensorflow/tfjs';
import { concatLayout } from '../kernels/Concat';
import { nativeThreads, type NativeAddon } from './addon';
import { allFloat32, fallbackTo, heapOf, inputsOf, offsetOf, type KernelFn, type WasmKernelArgs } from './heap';

/**
 * Concat and SplitV of float32 tensors as strided row copies in C++ (`copyRows`, native/src/copy.cc),
 * rows split over the native threads. A DARTS cell's output concatenates its nodes along 8–16
 * channels, so both are ~N·H·W copies of 32–64 bytes: our JS loop (kernels/Concat.ts) took ~9 ms a
 * call at 96×28×28×64, the step's largest single-threaded kernels after the convolutions
 * (docs/performance.md). Other dtypes go to the kernel registered before.
 */
export function copyKernels(addon: NativeAddon, previous: (name: string) => tf.KernelConfig | undefined): Record<string, KernelFn> {
  const concatFallback = fallbackTo(tf.Concat, previous(tf.Concat));
  const splitFallback = fallbackTo(tf.SplitV, previous(tf.SplitV));
  return {
    [tf.Concat]: (args) => {
      const all = Object.values(args.inputs) as tf.TensorInfo[];
      if (all.length === 0 || !allFloat32(...all)) return concatFallback(args);
      const { outShape, inputs, rows, widths, outWidth } = concatLayout(all, args.attrs);
      const out = args.backend.makeOutput(outShape, 'float32');
      if (inputs.length === 0) return out;
      let column = 0;
      inputs.forEach((input, i) => {
        // The heap is read per call: makeOutput above may have grown it.
        addon.copyRows(heapOf(args.backend), nativeThreads(), offsetOf(args.backend, input), widths[i], offsetOf(args.backend, out) + 4 * column, outWidth, rows, widths[i]);
        column += widths[i];
      });
      return out;
    },
    // Several outputs; the engine takes the array, the KernelFn type names one output.
    [tf.SplitV]: ((args: WasmKernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
      const [x] = inputsOf(tf.SplitV, args, ['x']);
      if (!allFloat32(x)) return splitFallback(args);
      const { numOrSizeSplits, axis } = args.attrs as unknown as tf.SplitVAttrs;
      const along = tf.util.parseAxisParam(axis, x.shape)[0];
      const sizes = tf.backend_util.prepareSplitSize(x, numOrSizeSplits, along);
      const rows = tf.util.sizeFromShape(x.shape.slice(0, along));
      const inner = tf.util.sizeFromShape(x.shape.slice(along + 1));
      const inWidth = x.shape[along] * inner;
      const pieces = sizes.map((s) => {
        const shape = [...x.shape];
        shape[along] = s;
        return args.backend.makeOutput(shape, 'float32');
      });
      let column = 0;
      pieces.forEach((piece, i) => {
        const width = sizes[i] * inner;
        if (rows > 0 && width > 0) {
          addon.copyRows(heapOf(args.backend), nativeThreads(), offsetOf(args.backend, x) + 4 * column, inWidth, offsetOf(args.backend, piece), width, rows, width);
        }
        column += width;
      });
      return pieces;
    }) as unknown as KernelFn,
  };
}
