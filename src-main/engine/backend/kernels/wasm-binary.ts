import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * The wasm backend's own C kernels for Add / Multiply / Sub (XNNPACK, any broadcast), called
 * straight through their export instead of through the stock kernel's `cwrap(…, 'array')`: that
 * path allocates two Int32Array+Uint8Array pairs for the shapes and runs Emscripten's ccall
 * (stackAlloc, a copy per array, closures) on every call, ~3 µs of the ~9 µs a small tf.mul costs;
 * a supernet step makes ~12 000 such calls. Same C function, same arguments, so the same numbers.
 */
interface EmscriptenModule {
  HEAP32: Int32Array;
  _malloc(bytes: number): number;
  [exported: `_${string}`]: unknown;
}

type BinaryExport = (aId: number, aShape: number, aRank: number, bId: number, bShape: number, bRank: number, dtype: number, outId: number) => void;

/** tfjs-backend-wasm's CppDType codes. */
const DTYPE_CODE: Partial<Record<tf.DataType, number>> = { float32: 0, int32: 1, bool: 2 };
/** Shape scratch per module: a's dims then b's, int32 each. */
const SCRATCH_INTS = 16;
const scratch = new WeakMap<object, number>();

function scratchOf(wasm: EmscriptenModule): number {
  let at = scratch.get(wasm);
  if (at === undefined) {
    // Lives as long as the module: one 64-byte block per backend.
    at = wasm._malloc(SCRATCH_INTS * 4) >>> 0;
    scratch.set(wasm, at);
  }
  return at;
}

function tensorId(backend: BackendWasm, info: tf.TensorInfo): number {
  return (backend.dataIdMap.get(info.dataId) as unknown as { id: number }).id;
}

/**
 * Runs the backend's C kernel `kernelName` (Add, Multiply, Sub) on a and b with broadcasting;
 * null when it cannot (the caller then runs the stock kernel): dtype the C side lacks, ranks too
 * high for the scratch, or the export missing.
 */
export function wasmBinary(kernelName: string, backend: BackendWasm, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo | null {
  const wasm = backend.wasm as unknown as EmscriptenModule;
  const run = wasm[`_${kernelName}`] as BinaryExport | undefined;
  const code = DTYPE_CODE[a.dtype];
  if (typeof run !== 'function' || code === undefined || a.shape.length + b.shape.length > SCRATCH_INTS) return null;
  const shape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const out = backend.makeOutput(shape, a.dtype);
  if (tf.util.sizeFromShape(shape) === 0) return out;
  const at = scratchOf(wasm);
  const heap = wasm.HEAP32; // re-read per call: Emscripten replaces the view when the heap grows
  heap.set(a.shape, at >>> 2);
  heap.set(b.shape, (at >>> 2) + a.shape.length);
  run(tensorId(backend, a), at, a.shape.length, tensorId(backend, b), at + 4 * a.shape.length, b.shape.length, code, tensorId(backend, out));
  return out;
}
