import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type * as tf from '@tensorflow/tfjs';
import { ins, op, simd, type FunctionDef } from './encoder';
import { generatedKernels } from './generated';
import { add, c, get, mul, set, sub, tee } from './loops';

/**
 * Max pooling's gradient generated for one geometry, in two passes without a scatter:
 * - `winners(x, win, batch)`: per window and channel, the row-major index i·fw + j of its first
 *   maximum (strict >, tfjs's tie rule), −1 when nothing beats −∞, as int32 [n, oh, ow, C];
 * - `gather(win, dy, dx, batch)`: dx[y, x] = Σ over the windows covering (y, x) whose winner is the
 *   tap that reads (y, x), of their dy: i32x4.eq against that tap's index masks dy, no lane extracts.
 * Per output row the tap rows' validity and pointers are computed once; columns are resolved at
 * generation (each pixel gets exactly its valid taps; loads at constant offsets); a runtime loop
 * runs over the channel vectors. Replaced a generic loop that scattered four lanes one by one
 * (docs/simd-kernels.md).
 */

const I32X4_EQ = 0x37;
const I32_REM_U = 0x70;
const I32_DIV_U = 0x6e;

export interface PoolGeometry {
  channels: number;
  h: number;
  w: number;
  oh: number;
  ow: number;
  fh: number;
  fw: number;
  sh: number;
  sw: number;
  top: number;
  left: number;
}

export function poolGeometry(info: tf.backend_util.Conv2DInfo): PoolGeometry {
  return {
    channels: info.inChannels,
    h: info.inHeight,
    w: info.inWidth,
    oh: info.outHeight,
    ow: info.outWidth,
    fh: info.filterHeight,
    fw: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    top: info.padInfo.top,
    left: info.padInfo.left,
  };
}

const splat = (v: number) => ins.i32x4Const([v, v, v, v]);

/**
 * The loop nest both passes share: images b < batch, rows r < rows (per row `perRow`, which sets the
 * row's pointers), channel vectors k < cb bytes in steps of 16 (per vector `perVector`).
 */
function nest(locals: { b: number; r: number; k: number; batch: number }, rows: number, cb: number, perRow: number[], perVector: number[]): number[] {
  const { b, r, k, batch } = locals;
  return [
    ...c(0), ...set(b),
    op.loop, op.voidType,
    ...c(0), ...set(r),
    op.loop, op.voidType,
    ...perRow,
    ...c(0), ...set(k),
    op.loop, op.voidType,
    ...perVector,
    ...get(k), ...c(16), ...add, ...tee(k), ...c(cb), op.i32LtU, op.brIf, 0,
    op.end,
    ...get(r), ...c(1), ...add, ...tee(r), ...c(rows), op.i32LtU, op.brIf, 0,
    op.end,
    ...get(b), ...c(1), ...add, ...tee(b), ...get(batch), op.i32LtU, op.brIf, 0,
    op.end,
  ];
}

/** Winner indices: per output row, tap row i reads source row oy·sh + i − top (checked at run time). */
function winnersBody(g: PoolGeometry): FunctionDef {
  const cb = g.channels * 4;
  const [X, WIN, BATCH] = [0, 1, 2];
  const [B, OY, K, WROW] = [3, 4, 5, 6];
  const valid = (i: number) => 7 + 2 * i;
  const ptr = (i: number) => 8 + 2 * i;
  const firstVector = 7 + 2 * g.fh;
  const [BEST, IDX, V, M] = [firstVector, firstVector + 1, firstVector + 2, firstVector + 3];
  const vop = (code: number) => ins.simd(code);

  const rowSetup: number[] = [];
  for (let i = 0; i < g.fh; i++) {
    // r = oy·sh + i − top; valid when 0 ≤ r < h (one unsigned compare); the pointer is at column −left.
    rowSetup.push(...get(OY), ...c(g.sh), ...mul, ...c(i - g.top), ...add, ...tee(ptr(i)), ...c(g.h), op.i32LtU, ...set(valid(i)));
    rowSetup.push(...get(B), ...c(g.h), ...mul, ...get(ptr(i)), ...add, ...c(g.w * cb), ...mul, ...get(X), ...add, ...c(g.left * cb), ...sub, ...set(ptr(i)));
  }
  const pixels: number[] = [];
  for (let ox = 0; ox < g.ow; ox++) {
    pixels.push(...ins.f32Const(-Infinity), ...vop(simd.f32x4Splat), ...set(BEST), ...splat(-1), ...set(IDX));
    for (let i = 0; i < g.fh; i++) {
      const taps: number[] = [];
      for (let j = 0; j < g.fw; j++) {
        const col = ox * g.sw + j - g.left;
        if (col < 0 || col >= g.w) continue;
        taps.push(
          ...get(ptr(i)), ...get(K), ...add, ...ins.loadAt((col + g.left) * cb), ...set(V),
          ...get(V), ...get(BEST), ...vop(simd.f32x4Gt), ...set(M),
          ...get(V), ...get(BEST), ...get(M), ...vop(simd.v128Bitselect), ...set(BEST),
          ...splat(i * g.fw + j), ...get(IDX), ...get(M), ...vop(simd.v128Bitselect), ...set(IDX),
        );
      }
      if (taps.length > 0) pixels.push(...get(valid(i)), op.if, op.voidType, ...taps, op.end);
    }
    pixels.push(...get(WROW), ...get(K), ...add, ...get(IDX), ...ins.storeAt(ox * cb));
  }
  const rowStart = [...get(B), ...c(g.oh), ...mul, ...get(OY), ...add, ...c(g.ow * cb), ...mul, ...get(WIN), ...add, ...set(WROW)];
  const body = nest({ b: B, r: OY, k: K, batch: BATCH }, g.oh, cb, [...rowSetup, ...rowStart], pixels);
  return { name: 'winners', params: 3, locals: 4 + 2 * g.fh, vectorLocals: 4, body };
}

/** The gather: input row y is read by tap row i of window row (y + top − i) / sh where that divides. */
function gatherBody(g: PoolGeometry): FunctionDef {
  const cb = g.channels * 4;
  const [WIN, DY, DX, BATCH] = [0, 1, 2, 3];
  const [B, Y, K, DROW] = [4, 5, 6, 7];
  const valid = (i: number) => 8 + 2 * i;
  const row = (i: number) => 9 + 2 * i;
  const firstVector = 8 + 2 * g.fh;
  const ACC = firstVector;
  const vop = (code: number) => ins.simd(code);

  const rowSetup: number[] = [];
  for (let i = 0; i < g.fh; i++) {
    // r = y + top − i; valid when 0 ≤ r < sh·oh and sh divides r; row = byte offset of window row r / sh.
    rowSetup.push(...get(Y), ...c(g.top - i), ...add, ...tee(row(i)), ...c(g.sh * g.oh), op.i32LtU);
    rowSetup.push(...get(row(i)), ...c(g.sh), I32_REM_U, op.i32Eqz, op.i32And, ...set(valid(i)));
    rowSetup.push(...get(B), ...c(g.oh), ...mul, ...get(row(i)), ...c(g.sh), I32_DIV_U, ...add, ...c(g.ow * cb), ...mul, ...set(row(i)));
  }
  const pixels: number[] = [];
  for (let x = 0; x < g.w; x++) {
    pixels.push(...splat(0), ...set(ACC));
    for (let i = 0; i < g.fh; i++) {
      const taps: number[] = [];
      for (let j = 0; j < g.fw; j++) {
        const col = x + g.left - j;
        if (col < 0 || col % g.sw !== 0 || col / g.sw >= g.ow) continue;
        const offset = (col / g.sw) * cb;
        taps.push(
          ...get(ACC),
          ...get(WIN), ...get(row(i)), ...add, ...get(K), ...add, ...ins.loadAt(offset), ...splat(i * g.fw + j), ...vop(I32X4_EQ),
          ...get(DY), ...get(row(i)), ...add, ...get(K), ...add, ...ins.loadAt(offset),
          ...vop(simd.v128And), ...vop(simd.f32x4Add), ...set(ACC),
        );
      }
      if (taps.length > 0) pixels.push(...get(valid(i)), op.if, op.voidType, ...taps, op.end);
    }
    pixels.push(...get(DROW), ...get(K), ...add, ...get(ACC), ...ins.storeAt(x * cb));
  }
  const rowStart = [...get(B), ...c(g.h), ...mul, ...get(Y), ...add, ...c(g.w * cb), ...mul, ...get(DX), ...add, ...set(DROW)];
  const body = nest({ b: B, r: Y, k: K, batch: BATCH }, g.h, cb, [...rowSetup, ...rowStart], pixels);
  return { name: 'gather', params: 4, locals: 4 + 2 * g.fh, vectorLocals: 1, body };
}

export interface MaxPoolGradKernels {
  winners: (x: number, win: number, batch: number) => void;
  gather: (win: number, dy: number, dx: number, batch: number) => void;
}

/**
 * The two generated passes for this geometry (channels a multiple of 4, dilation 1), or null without
 * wasm SIMD. The winners pass addresses x from `left` columns before each row: callers ensure x's heap
 * offset is at least left·C·4 bytes.
 */
export function maxPoolGradKernels(backend: BackendWasm, g: PoolGeometry): MaxPoolGradKernels | null {
  const key = `maxPoolGrad:${g.channels}:${g.h}x${g.w}>${g.oh}x${g.ow}:${g.fh}x${g.fw}:s${g.sh},${g.sw}:p${g.top},${g.left}`;
  return generatedKernels<MaxPoolGradKernels>(backend, key, () => [winnersBody(g), gatherBody(g)]);
}
