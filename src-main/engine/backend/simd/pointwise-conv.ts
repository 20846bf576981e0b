import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { ins, op, simd, uleb, type FunctionDef } from './encoder';
import { generatedKernels, madd, relaxedSimd } from './generated';
import { add, c, get, set, sub, tee } from './loops';

/**
 * A pixel-by-channel matrix product for one (Ci, Co): out[p, :] = Σ_i x[p, i] · W[i, :], x rows of
 * Ci floats, W [Ci, Co], out rows of Co floats (the 1×1 stride-1 convolution, NHWC). A register tile
 * of `rows` pixels × `vectors` f32x4 output vectors lives in v128 locals; per input channel the
 * tile's W vectors are loaded once and each pixel's x value is broadcast from memory straight into
 * a register (v128.load32_splat), then rows × vectors multiply-adds. Ci and Co are constants of the
 * module, so the loop over i and the column tiles are unrolled and every load and store addresses
 * through the memarg's constant offset; only the pixel loop runs. Pixels beyond the last full tile
 * run through the same body with a one-pixel tile.
 */

export interface PointwiseTile {
  rows: number;
  vectors: number;
}

/** Co multiple of 16: 2 pixels × 16 channels, else 4 pixels × 8 channels (measured, docs/backend.md). */
export function pointwiseTile(co: number): PointwiseTile {
  return co % 16 === 0 ? { rows: 2, vectors: 4 } : { rows: 4, vectors: 2 };
}

/**
 * Largest Ci and Co the kernel is used for: beyond 64 XNNPACK's packed-weight kernels won
 * (Ci 128 → 32: 0.9×, 32 → 128: 0.8×; test/bench/pointwise-conv.ts), and code grows with Ci·Co.
 */
export const POINTWISE_MAX_CHANNELS = 64;

/** Whether the generated kernel takes these channel counts (Co a multiple of the tile's 8). */
export function pointwiseSupported(ci: number, co: number): boolean {
  return ci >= 1 && ci <= POINTWISE_MAX_CHANNELS && co % 8 === 0 && co >= 8 && co <= POINTWISE_MAX_CHANNELS;
}

/** v128.load32_splat (0xfd 0x09): one float broadcast to the four lanes, at a constant byte offset. */
const loadSplat = (offset: number) => [0xfd, ...uleb(0x09), 2, ...uleb(offset)];

/**
 * The unrolled tile: for every column tile of Co, `rows` pixels starting at local `xp` (x) and
 * local `outp` (out) against W at local `w`.
 */
function tileBody(ci: number, co: number, tile: PointwiseTile, locals: { w: number; xp: number; outp: number; v0: number }): number[] {
  const { rows, vectors } = tile;
  const { w, xp, outp, v0 } = locals;
  const acc = (r: number, v: number) => v0 + r * vectors + v;
  const weight = (v: number) => v0 + rows * vectors + v;
  const splat = v0 + rows * vectors + vectors;
  const body: number[] = [];
  for (let col = 0; col < co; col += 4 * vectors) {
    for (let i = 0; i < ci; i++) {
      for (let v = 0; v < vectors; v++) body.push(...get(w), ...ins.loadAt(4 * (i * co + col + 4 * v)), ...set(weight(v)));
      for (let r = 0; r < rows; r++) {
        body.push(...get(xp), ...loadSplat(4 * (r * ci + i)), ...set(splat));
        for (let v = 0; v < vectors; v++) {
          const product = i === 0 ? [...get(splat), ...get(weight(v)), ...ins.simd(simd.f32x4Mul)] : madd(get(splat), get(weight(v)), get(acc(r, v)));
          body.push(...product, ...set(acc(r, v)));
        }
      }
    }
    for (let r = 0; r < rows; r++) {
      for (let v = 0; v < vectors; v++) body.push(...get(outp), ...get(acc(r, v)), ...ins.storeAt(4 * (r * co + col + 4 * v)));
    }
  }
  return body;
}

/** `count` tiles of `rows` pixels; advances xp and outp past them. */
function tileLoop(ci: number, co: number, tile: PointwiseTile, count: number, l: { w: number; xp: number; outp: number; v0: number }): number[] {
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
  const [xp, outp] = [5, 6];
  const l = { w, xp, outp, v0: 7 };
  const single = { rows: 1, vectors: tile.vectors };
  return {
    name: 'pointwiseConv',
    params: 5,
    locals: 2,
    vectorLocals: tile.rows * tile.vectors + tile.vectors + 1,
    body: [
      ...get(x), ...set(xp),
      ...get(out), ...set(outp),
      ...tileLoop(ci, co, tile, tiles, l),
      ...tileLoop(ci, co, single, rest, l),
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
export function pointwiseConvKernel(backend: BackendWasm, ci: number, co: number, tile: PointwiseTile = pointwiseTile(co)): PointwiseConvKernel | null {
  const key = `pointwiseConv:${ci}:${co}:${tile.rows}x${tile.vectors}:${relaxedSimd ? 'fma' : 'mul-add'}`;
  const exports = generatedKernels<PointwiseExports>(backend, key, () => [pointwiseConvFunction(ci, co, tile)]);
  if (exports === null) return null;
  return {
    run: (x, w, out, pixels) => exports.pointwiseConv(x, w, out, Math.floor(pixels / tile.rows), pixels % tile.rows),
  };
}
