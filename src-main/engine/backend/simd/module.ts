import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { bnRowMapBody, bnRowSquaredDeviationBody, bnRowSumAndDotBody, bnRowSumBody, reductionLocals } from './batch-norm-bodies';
import { encodeModule, ins, op, simd } from './encoder';
import { add, c, get, load, next, nextVector, set, store, sub } from './loops';
import { dotBody, scaleBody } from './weighted-sum-bodies';

/**
 * rowBroadcast(a, b, out, p, q, cb): out[i, j, :] = a[i, j, :] ∘ b[i, :] for i < p, j < q, rows of
 * cb bytes (a multiple of 16, ≥ 16); ∘ is the given f32x4 op, a ∘ b in that order. XNNPACK's
 * broadcast over an 8-float inner axis (BN's per-channel mean and scale) runs ~6× slower than its
 * same-shape op. Pointers in bytes.
 */
function rowBroadcastBody(vectorOp: number): number[] {
  const [a, b, out, p, q, cb] = [0, 1, 2, 3, 4, 5];
  const [i, j, k, delta] = [6, 7, 8, 9];
  return [
    ...get(out), ...get(a), ...sub, ...set(delta),
    ...c(0), ...set(i),
    op.loop, op.voidType,
    ...c(0), ...set(j),
    op.loop, op.voidType,
    ...c(0), ...set(k),
    op.loop, op.voidType,
    ...get(a), ...get(k), ...add, ...get(delta), ...add,
    ...get(a), ...get(k), ...add, ...load(),
    ...get(b), ...get(k), ...add, ...load(),
    ...ins.simd(vectorOp),
    ...store(),
    ...nextVector(k, cb),
    op.end,
    ...get(a), ...get(cb), ...add, ...set(a),
    ...next(j, q),
    op.end,
    ...get(b), ...get(cb), ...add, ...set(b),
    ...next(i, p),
    op.end,
  ];
}

export interface SimdKernels {
  mulRowBroadcast: (a: number, b: number, out: number, p: number, q: number, cb: number) => void;
  addRowBroadcast: (a: number, b: number, out: number, p: number, q: number, cb: number) => void;
  subRowBroadcast: (a: number, b: number, out: number, p: number, q: number, cb: number) => void;
  nasScaleShift: (x: number, out: number, bytes: number, wBits: number, bBits: number) => void;
  nasScaleAdd: (x: number, out: number, bytes: number, wBits: number, unused: number) => void;
  nasDot: (x: number, y: number, bytes: number, result: number) => void;
  nasSum: (x: number, unused: number, bytes: number, result: number) => void;
  bnRowSum: (x: number, acc: number, rows: number, cb: number) => void;
  bnRowSquaredDeviation: (x: number, mean: number, acc: number, rows: number, cb: number) => void;
  bnRowSumAndDot: (dy: number, y: number, sum: number, dot: number, rows: number, cb: number) => void;
  bnRowMap: (a: number, b: number, u: number, v: number, s: number, out: number, rows: number, cb: number) => void;
}

const bytes = encodeModule([
  { name: 'mulRowBroadcast', params: 6, locals: 4, body: rowBroadcastBody(simd.f32x4Mul) },
  { name: 'addRowBroadcast', params: 6, locals: 4, body: rowBroadcastBody(simd.f32x4Add) },
  { name: 'subRowBroadcast', params: 6, locals: 4, body: rowBroadcastBody(simd.f32x4Sub) },
  { name: 'nasScaleShift', params: 5, locals: 1, vectorLocals: 2, body: scaleBody(false) },
  { name: 'nasScaleAdd', params: 5, locals: 1, vectorLocals: 2, body: scaleBody(true) },
  { name: 'nasDot', params: 4, locals: 1, vectorLocals: 1, body: dotBody(true) },
  { name: 'nasSum', params: 4, locals: 1, vectorLocals: 1, body: dotBody(false) },
  { name: 'bnRowSum', params: 4, ...reductionLocals(1, 1), body: bnRowSumBody() },
  { name: 'bnRowSquaredDeviation', params: 5, ...reductionLocals(1, 1), body: bnRowSquaredDeviationBody() },
  { name: 'bnRowSumAndDot', params: 6, ...reductionLocals(2, 2), body: bnRowSumAndDotBody() },
  { name: 'bnRowMap', params: 8, locals: 2, body: bnRowMapBody() },
]);
let compiled: WebAssembly.Module | null = null;
const instances = new WeakMap<WebAssembly.Memory, SimdKernels>();

interface WasmModuleExports {
  asm?: { memory?: WebAssembly.Memory };
}

/**
 * The hand-written SIMD kernels, instantiated on the wasm backend's own memory (so they read and
 * write tensors in place); null when that memory is not reachable or the engine lacks wasm SIMD.
 */
export function simdKernels(backend: BackendWasm): SimdKernels | null {
  const memory = (backend.wasm as unknown as WasmModuleExports).asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  const cached = instances.get(memory);
  if (cached) return cached;
  try {
    compiled ??= new WebAssembly.Module(bytes);
    const instance = new WebAssembly.Instance(compiled, { env: { memory } });
    const kernels = instance.exports as unknown as SimdKernels;
    instances.set(memory, kernels);
    return kernels;
  } catch {
    return null;
  }
}

/** Byte offset of a tensor's data in the wasm heap. */
export function heapOffset(backend: BackendWasm, dataId: object): number {
  return (backend.dataIdMap.get(dataId) as unknown as { memoryOffset: number }).memoryOffset;
}
