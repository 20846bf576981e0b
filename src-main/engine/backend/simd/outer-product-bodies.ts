import { ins, op, simd } from './encoder';
import { add, c, get, load, mul, next, set, store, tee } from './loops';

/** Input channels and output vectors (f32x4) per register tile: 4 × 2 accumulators in v128 locals. */
const TILE_ROWS = 4;
const TILE_VECTORS = 2;
/** i32 and v128 locals of outerProductSum. */
export const outerProductSumLocals = { locals: 6, vectorLocals: TILE_VECTORS + 1 + TILE_ROWS * TILE_VECTORS };

const vop = (code: number) => ins.simd(code);

/**
 * outerProductSum(x, dy, acc, rows, ci, cb): acc[i, :] = Σ_{p < rows} x[p, i] · dy[p, :], x rows
 * of ci floats (ci a multiple of 4), dy and acc rows of cb bytes (a multiple of 32). One
 * 4-input-channel × 8-output-channel tile at a time is summed over all rows in eight v128 locals
 * (a GEMM micro-kernel: per row two dy vectors and four splatted x values feed eight mul-adds, no
 * accumulator traffic), then stored. The 1×1 convolution's filter gradient read in place, without
 * BatchMatMul's transposed copy of x. The caller passes blocks of rows and adds them in float64.
 * Pointers in bytes.
 */
export function outerProductSumBody(): number[] {
  const [x, dy, acc, rows, ci, cb] = [0, 1, 2, 3, 4, 5];
  const [ib, kb, p, xp, dp, xrow] = [6, 7, 8, 9, 10, 11];
  const [d0, s] = [12, 12 + TILE_VECTORS];
  const sums = Array.from({ length: TILE_ROWS * TILE_VECTORS }, (_, t) => s + 1 + t);
  const sum = (r: number, v: number) => sums[r * TILE_VECTORS + v];
  const vectors = Array.from({ length: TILE_VECTORS }, (_, v) => v);
  const tileRows = Array.from({ length: TILE_ROWS }, (_, r) => r);
  const row = [
    ...vectors.flatMap((v) => [...get(dp), ...c(16 * v), ...add, ...load(), ...set(d0 + v)]),
    ...tileRows.flatMap((r) => [
      ...get(xp), ...ins.f32Load(4 * r), ...vop(simd.f32x4Splat), ...set(s),
      ...vectors.flatMap((v) => [...get(sum(r, v)), ...get(s), ...get(d0 + v), ...vop(simd.f32x4Mul), ...vop(simd.f32x4Add), ...set(sum(r, v))]),
    ]),
    ...get(xp), ...get(xrow), ...add, ...set(xp),
    ...get(dp), ...get(cb), ...add, ...set(dp),
  ];
  const storeTile = tileRows.flatMap((r) =>
    vectors.flatMap((v) => [
      ...get(acc), ...get(ib), ...c(r), ...add, ...get(cb), ...mul, ...add, ...get(kb), ...add, ...c(16 * v), ...add,
      ...get(sum(r, v)), ...store(),
    ]),
  );
  return [
    ...get(ci), ...c(4), ...mul, ...set(xrow),
    ...c(0), ...set(ib),
    op.loop, op.voidType,
    ...c(0), ...set(kb),
    op.loop, op.voidType,
    ...sums.flatMap((a) => [...ins.i32x4Const([0, 0, 0, 0]), ...set(a)]),
    ...get(x), ...get(ib), ...c(4), ...mul, ...add, ...set(xp),
    ...get(dy), ...get(kb), ...add, ...set(dp),
    ...c(0), ...set(p),
    op.loop, op.voidType,
    ...row,
    ...next(p, rows),
    op.end,
    ...storeTile,
    ...get(kb), ...c(16 * TILE_VECTORS), ...add, ...tee(kb), ...get(cb), op.i32LtU, op.brIf, 0,
    op.end,
    ...get(ib), ...c(TILE_ROWS), ...add, ...tee(ib), ...get(ci), op.i32LtU, op.brIf, 0,
    op.end,
  ];
}
