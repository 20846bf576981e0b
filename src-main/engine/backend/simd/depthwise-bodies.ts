import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { ins, op, simd, type FunctionDef } from './encoder';
import { generatedKernels, madd, relaxedSimd } from './generated';
import { add, c, get, mul, set, sub, tee } from './loops';
import { blockPixels, geometryKey, geometryOf, minOffset, type AxisPhase, type DepthwiseGeometry, type DepthwisePass } from './depthwise-plan';
import type * as tf from '@tensorflow/tfjs';

/**
 * A depthwise correlation generated for one geometry (channels, filter, both axes' tap lists and
 * sizes as constants; only the batch size and the pointers at run time). Per output row and channel
 * vector (four channels), blocks of up to 8 output pixels are summed in v128 locals: per tap row
 * the row's filter vectors are loaded once, each input vector is loaded once (through the memarg's
 * constant offset) and fed to every (pixel, tap) that reads it, the block is stored once. Tap rows outside the source are skipped by an `if` per tap row (only
 * where some row can need it); edge columns are known at generation time and get only their valid
 * taps, so interior blocks run unchecked.
 */

type Fn = (src: number, filter: number, dst: number, batch: number) => void;

let relaxedMadd = relaxedSimd;

/** Tests switch off relaxed SIMD's fused multiply-add to check the mul+add fallback as well. */
export function useRelaxedMadd(on: boolean): void {
  relaxedMadd = on && relaxedSimd;
}

const fmadd = (a: number[], b: number[], acc: number[]) => madd(a, b, acc, relaxedMadd);

// Locals: the four parameters, then i32 bookkeeping, then the v128 accumulators, one tap
// row's filter vectors and the input vector in flight.
const [SRC, FILTER, DST, BATCH] = [0, 1, 2, 3];
const [B, R, SRC_BATCH, DST_BATCH, ROW_PTR, DST_ROW, GOFF, SP, FP, DP, BS, BD, COUNT] = Array.from({ length: 13 }, (_, i) => 4 + i);
const I32_LOCALS = 13;
const FIRST_VECTOR = 4 + I32_LOCALS;

/** One block's pixels: the source byte offset of a column offset (null: outside) and the output's. */
interface Pixel {
  src: (offset: number) => number | null;
  dst: number;
}

function depthwiseBody(g: DepthwiseGeometry): FunctionDef {
  const { channels, filterWidth: fw, rows, cols } = g;
  const cb = channels * 4;
  const srcRowBytes = cols.srcSize * cb;
  const dstRowBytes = cols.outSize * cb;
  const rowMin = minOffset(rows);
  const P = blockPixels(fw);
  const acc = (p: number) => FIRST_VECTOR + p;
  const filterVector = (t: number) => FIRST_VECTOR + P + t;
  const input = FIRST_VECTOR + P + fw;
  const rowCount = Math.max(...rows.phases.map((p) => p.count));

  /** Whether source row r·step + offset can fall outside for some r of the phase. */
  const rowCheck = (phase: AxisPhase, offset: number) => offset < 0 || (phase.count - 1) * rows.step + offset >= rows.srcSize;

  const block = (rowPhase: AxisPhase, colPhase: AxisPhase, pixels: Pixel[], srcBase: number, dstBase: number): number[] => {
    const out: number[] = [];
    for (let p = 0; p < pixels.length; p++) out.push(...ins.i32x4Const([0, 0, 0, 0]), ...set(acc(p)));
    for (const tr of rowPhase.taps) {
      const rowBytes = (tr.offset - rowMin) * srcRowBytes;
      const taps: number[] = [];
      const used = colPhase.taps.filter((tc) => pixels.some((px) => px.src(tc.offset) !== null));
      // Each source vector is loaded once and feeds every (pixel, tap) that reads it: at stride 1 a
      // block of P pixels × fw taps reads only P + (fw − 1)·d distinct columns.
      const readers = new Map<number, Array<{ p: number; t: number }>>();
      used.forEach((tc, t) => {
        taps.push(...get(FP), ...ins.loadAt((tr.tap * fw + tc.tap) * cb), ...set(filterVector(t)));
        pixels.forEach((px, p) => {
          const s = px.src(tc.offset);
          if (s !== null) readers.set(s, [...(readers.get(s) ?? []), { p, t }]);
        });
      });
      for (const [s, list] of [...readers.entries()].sort((a, b) => a[0] - b[0])) {
        taps.push(...get(srcBase), ...ins.loadAt(rowBytes + s), ...set(input));
        for (const { p, t } of list) taps.push(...fmadd(get(input), get(filterVector(t)), get(acc(p))), ...set(acc(p)));
      }
      if (taps.length === 0) continue;
      if (!rowCheck(rowPhase, tr.offset)) {
        out.push(...taps);
        continue;
      }
      out.push(...get(R), ...c(rows.step), ...mul, ...c(tr.offset), ...add, ...c(rows.srcSize), op.i32LtU, op.if, op.voidType, ...taps, op.end);
    }
    pixels.forEach((px, p) => out.push(...get(dstBase), ...get(acc(p)), ...ins.storeAt(px.dst)));
    return out;
  };

  /** One output row's pixels of one column phase: edge pixels checked here, interior ones in a loop. */
  const columns = (rowPhase: AxisPhase, colPhase: AxisPhase, phase: number): number[] => {
    const { step, outStride, srcSize } = cols;
    const offsets = colPhase.taps.map((t) => t.offset);
    const [lo, hi] = offsets.length === 0 ? [0, 0] : [Math.min(...offsets), Math.max(...offsets)];
    const inside = (q: number) => q * step + lo >= 0 && q * step + hi < srcSize;
    const qs = Array.from({ length: colPhase.count }, (_, q) => q);
    let first = qs.findIndex(inside);
    if (first < 0) first = colPhase.count;
    let end = first;
    while (end < colPhase.count && inside(end)) end++;
    const out: number[] = [];
    const edge = (q: number): Pixel => ({
      src: (o) => (q * step + o >= 0 && q * step + o < srcSize ? (q * step + o) * cb : null),
      dst: (q * outStride + phase) * cb,
    });
    const edgeBlocks = (from: number, to: number) => {
      for (let q = from; q < to; q += P) {
        const pixels = qs.slice(q, Math.min(q + P, to)).map(edge);
        out.push(...block(rowPhase, colPhase, pixels, SP, DP));
      }
    };
    edgeBlocks(0, first);
    const interior = end - first;
    if (interior > 0) {
      const relative = (p: number): Pixel => ({ src: (o) => (p * step + o - lo) * cb, dst: p * outStride * cb });
      const full = Math.floor(interior / P);
      out.push(...get(SP), ...c((first * step + lo) * cb), ...add, ...set(BS));
      out.push(...get(DP), ...c((first * outStride + phase) * cb), ...add, ...set(BD));
      if (full > 0) {
        out.push(...c(full), ...set(COUNT), op.loop, op.voidType);
        out.push(...block(rowPhase, colPhase, Array.from({ length: P }, (_, p) => relative(p)), BS, BD));
        out.push(...get(BS), ...c(P * step * cb), ...add, ...set(BS));
        out.push(...get(BD), ...c(P * outStride * cb), ...add, ...set(BD));
        out.push(...get(COUNT), ...c(1), ...sub, ...tee(COUNT), op.brIf, 0, op.end);
      }
      const rest = interior - full * P;
      if (rest > 0) out.push(...block(rowPhase, colPhase, Array.from({ length: rest }, (_, p) => relative(p)), BS, BD));
    }
    edgeBlocks(end, colPhase.count);
    return out;
  };

  const rowBody = (rowPhase: AxisPhase): number[] => [
    ...c(0), ...set(GOFF),
    op.loop, op.voidType,
    ...get(ROW_PTR), ...get(GOFF), ...add, ...set(SP),
    ...get(FILTER), ...get(GOFF), ...add, ...set(FP),
    ...get(DST_ROW), ...get(GOFF), ...add, ...set(DP),
    ...cols.phases.flatMap((colPhase, phase) => columns(rowPhase, colPhase, phase)),
    ...get(GOFF), ...c(16), ...add, ...tee(GOFF), ...c(cb), op.i32LtU, op.brIf, 0,
    op.end,
  ];

  const phases = rows.phases.flatMap((rowPhase, phase) => {
    if (rowPhase.count === 0) return [];
    const body = [
      ...get(DST_BATCH), ...get(R), ...c(rows.outStride * dstRowBytes), ...mul, ...c(phase * dstRowBytes), ...add, ...add, ...set(DST_ROW),
      ...rowBody(rowPhase),
    ];
    if (rowPhase.count === rowCount) return body;
    return [...get(R), ...c(rowPhase.count), op.i32LtU, op.if, op.voidType, ...body, op.end];
  });

  const body = [
    ...get(SRC), ...set(SRC_BATCH),
    ...get(DST), ...set(DST_BATCH),
    ...c(0), ...set(B),
    op.loop, op.voidType,
    ...c(0), ...set(R),
    op.loop, op.voidType,
    ...get(SRC_BATCH), ...get(R), ...c(rows.step * srcRowBytes), ...mul, ...c(rowMin * srcRowBytes), ...add, ...add, ...set(ROW_PTR),
    ...phases,
    ...get(R), ...c(1), ...add, ...tee(R), ...c(rowCount), op.i32LtU, op.brIf, 0,
    op.end,
    ...get(SRC_BATCH), ...c(rows.srcSize * srcRowBytes), ...add, ...set(SRC_BATCH),
    ...get(DST_BATCH), ...c(rows.outSize * dstRowBytes), ...add, ...set(DST_BATCH),
    ...get(B), ...c(1), ...add, ...tee(B), ...get(BATCH), op.i32LtU, op.brIf, 0,
    op.end,
  ];
  return { name: 'depthwise', params: 4, locals: I32_LOCALS, vectorLocals: P + fw + 1, body };
}

export interface GeneratedDepthwise {
  run: Fn;
  /** Source rows the row pointer starts above the tensor (the first tap row of the top padding). */
  rowsAbove: number;
}

const geometries = new Map<string, DepthwiseGeometry>();

/**
 * The generated correlation computing `pass` of the depthwise convolution `info` on this backend's
 * memory, or null without wasm SIMD. Callers guarantee multiplier 1, channels % 4 == 0, non-empty
 * tensors, and a source heap offset of at least `rowsAbove` source rows.
 */
export function depthwiseKernel(backend: BackendWasm, pass: DepthwisePass, info: tf.backend_util.Conv2DInfo): GeneratedDepthwise | null {
  const key = geometryKey(pass, info);
  let geometry = geometries.get(key);
  if (geometry === undefined) {
    geometry = geometryOf(pass, info);
    geometries.set(key, geometry);
  }
  const built = geometry;
  const exports = generatedKernels<{ depthwise: Fn }>(backend, `depthwise:${relaxedMadd ? 'fma' : 'mul'}:${key}`, () => [depthwiseBody(built)]);
  return exports === null ? null : { run: exports.depthwise, rowsAbove: -minOffset(geometry.rows) };
}
