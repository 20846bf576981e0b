import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { ins, op, uleb, type FunctionDef } from './encoder';
import { generatedKernels, madd, relaxedSimd } from './generated';
import { add, c, get, set, sub, tee } from './loops';

/**
 * A pixel-by-channel matrix product for one (Ci, Co): out[p, :] = Σ_i x[p, i] · W[i, :], x rows of
 * Ci floats, W [Ci, Co], out rows of Co floats (the 1×1 stride-1 convolution, NHWC). A register tile
 * of 4 pixels × 8 output channels (eight f32x4 accumulators) lives in v128 locals. The loop over Ci
 * takes four input channels per turn: one v128 load of each pixel's four x values, then per channel
 * two W vectors and each pixel's value splatted by a lane shuffle, eight multiply-adds. Co is a
 * constant of the module, so the column tiles are unrolled and every load and store addresses
 * through the memarg's constant offset. Pixels beyond the last full tile run through the same body
 * with a one-pixel tile. Variants measured (docs/backend.md): Ci unrolled completely (code grows
 * with Ci·Co, 14–19 GFLOP/s) and x broadcast from memory per channel (v128.load32_splat, 18–22)
 * lost to this one (25–30).
 */

export interface PointwiseTile {
  rows: number;
  vectors: number;
}

/** 4 pixels × 8 channels: as fast as 6 × 8 and 5 × 8, faster than 2 × 16 and 3 × 8 (docs/backend.md). */
export const POINTWISE_TILE: PointwiseTile = { rows: 4, vectors: 2 };

/** Whether the generated kernel takes these channel counts (x read four channels at a time, W eight). */
export function pointwiseSupported(ci: number, co: number): boolean {
  return ci >= 4 && ci % 4 === 0 && co >= 8 && co % 8 === 0;
}

/** i8x16.shuffle of a vector with itself that repeats f32 lane `lane` four times. */
export const splatLane = (lane: number): number[] => [0xfd, ...uleb(0x0d), ...Array.from({ length: 16 }, (_, b) => 4 * lane + (b % 4))];

interface Locals {
  w: number;
  /** Current pixel tile's x and out. */
  xp: number;
  outp: number;
  /** x and W at the current four input channels, and the turns left. */
  xk: number;
  wk: number;
  turns: number;
  /** First v128 local. */
  v0: number;
}

/** One tile of `rows` pixels starting at xp/outp, all column tiles of Co. */
function tileBody(ci: number, co: number, tile: PointwiseTile, l: Locals): number[] {
  const { rows, vectors } = tile;
  const acc = (r: number, v: number) => l.v0 + r * vectors + v;
  const weight = (v: number) => l.v0 + rows * vectors + v;
  const splat = l.v0 + rows * vectors + vectors;
  const xv = (r: number) => splat + 1 + r;
  const pixels = Array.from({ length: rows }, (_, r) => r);
  const columns = Array.from({ length: vectors }, (_, v) => v);
  const body: number[] = [];
  for (let col = 0; col < co; col += 4 * vectors) {
    const fourChannels = [
      ...pixels.flatMap((r) => [...get(l.xk), ...ins.loadAt(4 * r * ci), ...set(xv(r))]),
      ...[0, 1, 2, 3].flatMap((i) => [
        ...columns.flatMap((v) => [...get(l.wk), ...ins.loadAt(4 * (i * co + col + 4 * v)), ...set(weight(v))]),
        ...pixels.flatMap((r) => [
          ...get(xv(r)), ...get(xv(r)), ...splatLane(i), ...set(splat),
          ...columns.flatMap((v) => [...madd(get(splat), get(weight(v)), get(acc(r, v))), ...set(acc(r, v))]),
        ]),
      ]),
    ];
    body.push(
      ...pixels.flatMap((r) => columns.flatMap((v) => [...ins.i32x4Const([0, 0, 0, 0]), ...set(acc(r, v))])),
      ...get(l.xp), ...set(l.xk),
      ...get(l.w), ...set(l.wk),
      ...c(ci / 4), ...set(l.turns),
      op.loop, op.voidType,
      ...fourChannels,
      ...get(l.xk), ...c(16), ...add, ...set(l.xk),
      ...get(l.wk), ...c(16 * co), ...add, ...set(l.wk),
      ...get(l.turns), ...c(1), ...sub, ...tee(l.turns), op.brIf, 0,
      op.end,
      ...pixels.flatMap((r) => columns.flatMap((v) => [...get(l.outp), ...get(acc(r, v)), ...ins.storeAt(4 * (r * co + col + 4 * v))])),
    );
  }
  return body;
}

/** `count` tiles of `rows` pixels; advances xp and outp past them. */
function tileLoop(ci: number, co: number, tile: PointwiseTile, count: number, l: Locals): number[] {
  return [
    ...get(count), op.if, op.voidType,
    op.loop, op.voidType,
    ...tileBody(ci, co, tile, l),
    ...get(l.xp), ...c(4 * tile.rows * ci), ...add, ...set(l.xp),
    ...get(l.outp), ...c(4 * tile.rows * co), ...add, ...set(l.outp),
    ...get(count), ...c(1), ...sub, ...tee(count), op.brIf, 0,
    op.end,
    op.end,
  ];
}

/** pointwiseConv(x, w, out, tiles, rest): `tiles` full tiles then `rest` single pixels. Pointers in bytes. */
export function pointwiseConvFunction(ci: number, co: number, tile: PointwiseTile): FunctionDef {
  const [x, w, out, tiles, rest] = [0, 1, 2, 3, 4];
  const l: Locals = { w, xp: 5, outp: 6, xk: 7, wk: 8, turns: 9, v0: 10 };
  return {
    name: 'pointwiseConv',
    params: 5,
    locals: 5,
    vectorLocals: tile.rows * tile.vectors + tile.vectors + 1 + tile.rows,
    body: [
      ...get(x), ...set(l.xp),
      ...get(out), ...set(l.outp),
      ...tileLoop(ci, co, tile, tiles, l),
      ...tileLoop(ci, co, { rows: 1, vectors: tile.vectors }, rest, l),
    ],
  };
}

export interface PointwiseConvKernel {
  /** Byte pointers; `pixels` rows of x and out. */
  run(x: number, w: number, out: number, pixels: number): void;
}

interface PointwiseExports {
  pointwiseConv(x: number, w: number, out: number, tiles: number, rest: number): void;
}

/** The kernel for (Ci, Co) on this backend's memory, or null (no SIMD, memory not reachable). */
export function pointwiseConvKernel(backend: BackendWasm, ci: number, co: number, tile: PointwiseTile = POINTWISE_TILE): PointwiseConvKernel | null {
  const key = `pointwiseConv:${ci}:${co}:${tile.rows}x${tile.vectors}:${relaxedSimd ? 'fma' : 'mul-add'}`;
  const exports = generatedKernels<PointwiseExports>(backend, key, () => [pointwiseConvFunction(ci, co, tile)]);
  if (exports === null) return null;
  return {
    run: (x, w, out, pixels) => exports.pointwiseConv(x, w, out, Math.floor(pixels / tile.rows), pixels % tile.rows),
  };
}
