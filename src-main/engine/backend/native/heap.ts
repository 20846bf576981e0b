import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Geometry } from './addon';

/** What a kernel function receives from the engine when it runs on the wasm backend. */
export interface WasmKernelArgs {
  inputs: tf.NamedTensorInfoMap;
  attrs?: tf.NamedAttrMap;
  backend: BackendWasm;
}

/**
 * The heap as it is now. Every wasm allocation may grow the heap, which detaches the old
 * ArrayBuffer: read this after the last makeOutput and right before the native call.
 */
export function heapOf(backend: BackendWasm): ArrayBuffer {
  // The module's type comes from @types/emscripten, which is not installed; HEAPU8 is Emscripten's.
  return (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer as ArrayBuffer;
}

/** Byte offset of a tensor's data on the heap (may exceed 2^31 on a large heap: keep it a double). */
export function offsetOf(backend: BackendWasm, tensor: tf.TensorInfo): number {
  return backend.dataIdMap.get(tensor.dataId).memoryOffset;
}

export function allFloat32(...tensors: tf.TensorInfo[]): boolean {
  return tensors.every((t) => t.dtype === 'float32');
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The addon's geometry for a tfjs conv or pool info (NHWC). */
export function geometryOf(info: tf.backend_util.Conv2DInfo): Geometry {
  return [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.outHeight,
    info.outWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
  ];
}

export type KernelFn = (args: WasmKernelArgs) => tf.TensorInfo;

/**
 * The kernel that was registered under this name before ours (stock wasm or composed), for the
 * cases the native code does not take (other dtypes, channel multipliers, layouts).
 */
export function fallbackTo(kernelName: string, previous: tf.KernelConfig | undefined): KernelFn {
  const setUp = new WeakSet<object>();
  return (args) => {
    if (previous === undefined) {
      throw new Error(`${kernelName}: the native kernel does not handle these inputs and no other wasm kernel is registered`);
    }
    // Its setup ran when the backend started, unless the backend started after we replaced it.
    if (previous.setupFunc !== undefined && !setUp.has(args.backend)) {
      previous.setupFunc(args.backend);
      setUp.add(args.backend);
    }
    return previous.kernelFunc(args as unknown as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  };
}

/** The named inputs of a kernel call, in order; a missing one is a caller error. */
export function inputsOf(kernelName: string, args: WasmKernelArgs, names: readonly string[]): tf.TensorInfo[] {
  return names.map((name) => {
    const tensor = args.inputs[name];
    if (tensor === undefined) throw new Error(`${kernelName}: input '${name}' is missing`);
    return tensor;
  });
}
