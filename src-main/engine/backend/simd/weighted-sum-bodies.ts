import { ins, op, simd } from './encoder';
import { add, c, get, load, nextVector, set, store } from './loops';

/** f32x4.extract_lane and f32.reinterpret_i32: scalar weights travel as i32 bit patterns (the encoder's functions take i32s). */
const F32X4_EXTRACT_LANE = 0x1f;
const F32_REINTERPRET_I32 = 0xbe;
const splatBits = (local: number) => [...get(local), F32_REINTERPRET_I32, ...ins.simd(simd.f32x4Splat)];

/**
 * nasScaleShift(x, out, bytes, wBits, bBits): out = w·x + b; nasScaleAdd(x, out, bytes, wBits):
 * out += w·x (b ignored). w, b: f32 bit patterns; bytes a multiple of 16, ≥ 16. The terms of a
 * mixed edge's Σ w_k·op_k(x) (NasWeightedSum), one pass per term over the output.
 */
export function scaleBody(accumulate: boolean): number[] {
  const [x, out, bytes, wBits, bBits] = [0, 1, 2, 3, 4];
  const k = 5;
  const [wv, bv] = [6, 7];
  const term = [...get(x), ...get(k), ...add, ...load(), ...get(wv), ...ins.simd(simd.f32x4Mul)];
  return [
    ...splatBits(wBits), ...set(wv),
    ...splatBits(bBits), ...set(bv),
    ...c(0), ...set(k),
    op.loop, op.voidType,
    ...get(out), ...get(k), ...add,
    ...(accumulate ? [...get(out), ...get(k), ...add, ...load(), ...term] : [...term, ...get(bv)]),
    ...ins.simd(simd.f32x4Add),
    ...store(),
    ...nextVector(k, bytes),
    op.end,
  ];
}

/**
 * nasDot(x, y, bytes, result): f32 at `result` = Σ x·y (with y = 0: Σ x, nasSum's body), in four
 * lanes summed at the end; bytes a multiple of 16, ≥ 16. A mixed edge's weight gradient Σ dy·op_k(x).
 */
export function dotBody(withY: boolean): number[] {
  const [x, y, bytes, result] = [0, 1, 2, 3];
  const k = 4;
  const acc = 5;
  const lane = (i: number) => [...get(acc), ...ins.simd(F32X4_EXTRACT_LANE), i];
  return [
    ...ins.f32Const(0), ...ins.simd(simd.f32x4Splat), ...set(acc),
    ...c(0), ...set(k),
    op.loop, op.voidType,
    ...get(x), ...get(k), ...add, ...load(),
    ...(withY ? [...get(y), ...get(k), ...add, ...load(), ...ins.simd(simd.f32x4Mul)] : []),
    ...get(acc), ...ins.simd(simd.f32x4Add), ...set(acc),
    ...nextVector(k, bytes),
    op.end,
    ...get(result),
    ...lane(0), ...lane(1), op.f32Add, ...lane(2), op.f32Add, ...lane(3), op.f32Add,
    ...ins.f32Store(),
  ];
}
