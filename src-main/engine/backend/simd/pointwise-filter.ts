import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { ins, op, type FunctionDef } from './encoder';
import { generatedKernels, madd, relaxedSimd } from './generated';
import { add, c, get, mul, set, sub, tee } from './loops';
import { splatLane } from './pointwise-conv';

/**
 * The 1×1 convolution's filter gradient for one (Ci, Co): acc[i, :] = Σ_p x[p, i] · dy[p, :] over
 * `rows` pixels (x rows of Ci floats, dy and acc rows of Co). A 4-input-channel × 8-output-channel
 * tile of acc lives in eight v128 locals while the pixel loop runs: per pixel one v128 load of the
 * four x values, two of dy, the x lanes splatted by shuffles, eight multiply-adds (fused with
 * relaxed SIMD). With Ci and Co constants the row strides and offsets are immediates. The
 * caller sums blocks of rows in float64.
 */

const TILE_CHANNELS = 4;
const TILE_VECTORS = 2;

/** Ci a multiple of 4, Co of 8. */
export function pointwiseFilterSupported(ci: number, co: number): boolean {
  return ci >= 4 && ci % 4 === 0 && co >= 8 && co % 8 === 0;
}

/** pointwiseFilterGradient(x, dy, acc, rows): pointers in bytes, rows ≥ 1. */
export function pointwiseFilterFunction(ci: number, co: number): FunctionDef {
  const [x, dy, acc, rows] = [0, 1, 2, 3];
  const [ib, kb, p, xp, dp] = [4, 5, 6, 7, 8];
  const v0 = 9;
  const sum = (r: number, v: number) => v0 + r * TILE_VECTORS + v;
  const dyv = (v: number) => v0 + TILE_CHANNELS * TILE_VECTORS + v;
  const xv = dyv(TILE_VECTORS);
  const splat = xv + 1;
  const channels = Array.from({ length: TILE_CHANNELS }, (_, r) => r);
  const vectors = Array.from({ length: TILE_VECTORS }, (_, v) => v);
  const pixel = [
    ...get(xp), ...ins.loadAt(0), ...set(xv),
    ...vectors.flatMap((v) => [...get(dp), ...ins.loadAt(16 * v), ...set(dyv(v))]),
    ...channels.flatMap((r) => [
      ...get(xv), ...get(xv), ...splatLane(r), ...set(splat),
      ...vectors.flatMap((v) => [...madd(get(splat), get(dyv(v)), get(sum(r, v))), ...set(sum(r, v))]),
    ]),
    ...get(xp), ...c(4 * ci), ...add, ...set(xp),
    ...get(dp), ...c(4 * co), ...add, ...set(dp),
  ];
  // acc[ib + r, kb/4 + 4v …]: byte offset (ib + r)·4·Co + kb + 16v, ib and kb bytes/channels as below.
  const storeTile = channels.flatMap((r) =>
    vectors.flatMap((v) => [...get(acc), ...get(ib), ...c(4 * co), ...mul, ...add, ...get(kb), ...add, ...get(sum(r, v)), ...ins.storeAt(4 * r * co + 16 * v)]),
  );
  return {
    name: 'pointwiseFilterGradient',
    params: 4,
    locals: 5,
    vectorLocals: TILE_CHANNELS * TILE_VECTORS + TILE_VECTORS + 2,
    body: [
      ...c(0), ...set(ib),
      op.loop, op.voidType,
      ...c(0), ...set(kb),
      op.loop, op.voidType,
      ...channels.flatMap((r) => vectors.flatMap((v) => [...ins.i32x4Const([0, 0, 0, 0]), ...set(sum(r, v))])),
      ...get(x), ...get(ib), ...c(4), ...mul, ...add, ...set(xp),
      ...get(dy), ...get(kb), ...add, ...set(dp),
      ...get(rows), ...set(p),
      op.loop, op.voidType,
      ...pixel,
      ...get(p), ...c(1), ...sub, ...tee(p), op.brIf, 0,
      op.end,
      ...storeTile,
      ...get(kb), ...c(16 * TILE_VECTORS), ...add, ...tee(kb), ...c(4 * co), op.i32LtU, op.brIf, 0,
      op.end,
      ...get(ib), ...c(TILE_CHANNELS), ...add, ...tee(ib), ...c(ci), op.i32LtU, op.brIf, 0,
      op.end,
    ],
  };
}

/** acc = Σ over `rows` pixels of x[p, :]ᵀ · dy[p, :]; byte pointers, rows ≥ 1. */
export type PointwiseFilterGradient = (x: number, dy: number, acc: number, rows: number) => void;

interface FilterExports {
  pointwiseFilterGradient: PointwiseFilterGradient;
}

/** The kernel for (Ci, Co) on this backend's memory, or null (no SIMD, memory not reachable). */
export function pointwiseFilterKernel(backend: BackendWasm, ci: number, co: number): PointwiseFilterGradient | null {
  const key = `pointwiseFilterGradient:${ci}:${co}:${relaxedSimd ? 'fma' : 'mul-add'}`;
  const exports = generatedKernels<FilterExports>(backend, key, () => [pointwiseFilterFunction(ci, co)]);
  return exports === null ? null : exports.pointwiseFilterGradient;
}
