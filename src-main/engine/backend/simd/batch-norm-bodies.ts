import { ins, op, simd } from './encoder';
import { add, c, get, load, next, nextVector, set, store } from './loops';

const vzero = () => ins.i32x4Const([0, 0, 0, 0]);
const vop = (code: number) => ins.simd(code);

/**
 * Batch-norm reductions over `rows` rows of cb bytes (a multiple of 16): column by column (four
 * channels), the rows' terms summed in a v128 local and stored once, so no row waits on the previous
 * row's store. `term(p)` pushes the vector to add, given each input's local pointer to the current
 * row; `setUp` runs once per column (e.g. loads the mean). The caller passes blocks of 256 rows
 * (which stay in cache across the columns) and adds the blocks in float64. Pointers in bytes.
 */
interface Reduction {
  /** Parameter index of each input's base pointer. */
  inputs: number[];
  accumulators: { acc: number; term: (pointers: number[]) => number[] }[];
  rows: number;
  cb: number;
  /** First local index (the i32 locals, then the v128 ones). */
  firstLocal: number;
  setUp?: (k: number) => number[];
}

/** Locals a reduction needs: i32 r, k and a pointer per input; a v128 sum per accumulator and one for setUp. */
export function reductionLocals(inputs: number, accumulators: number): { locals: number; vectorLocals: number } {
  return { locals: 2 + inputs, vectorLocals: accumulators + 1 };
}

function columnReductionBody({ inputs, accumulators, rows, cb, firstLocal, setUp }: Reduction): number[] {
  const [r, k] = [firstLocal, firstLocal + 1];
  const pointers = inputs.map((_, i) => firstLocal + 2 + i);
  const sums = accumulators.map((_, i) => firstLocal + 2 + inputs.length + i);
  return [
    ...c(0), ...set(k),
    op.loop, op.voidType,
    ...(setUp ? setUp(k) : []),
    ...sums.flatMap((v) => [...vzero(), ...set(v)]),
    ...inputs.flatMap((base, i) => [...get(base), ...get(k), ...add, ...set(pointers[i])]),
    ...c(0), ...set(r),
    op.loop, op.voidType,
    ...accumulators.flatMap(({ term }, i) => [...get(sums[i]), ...term(pointers), ...vop(simd.f32x4Add), ...set(sums[i])]),
    ...pointers.flatMap((p) => [...get(p), ...get(cb), ...add, ...set(p)]),
    ...next(r, rows),
    op.end,
    ...accumulators.flatMap(({ acc }, i) => [...get(acc), ...get(k), ...add, ...get(sums[i]), ...store()]),
    ...nextVector(k, cb),
    op.end,
  ];
}

const at = (pointer: number, k: number) => [...get(pointer), ...get(k), ...add, ...load()];
const loadAt = (pointer: number) => [...get(pointer), ...load()];

/** bnRowSum(x, acc, rows, cb): acc[:] = Σ_r x[r, :]. */
export function bnRowSumBody(): number[] {
  const [x, acc, rows, cb] = [0, 1, 2, 3];
  return columnReductionBody({ inputs: [x], accumulators: [{ acc, term: ([p]) => loadAt(p) }], rows, cb, firstLocal: 4 });
}

/** bnRowSquaredDeviation(x, mean, acc, rows, cb): acc[:] = Σ_r (x[r, :] − mean)². */
export function bnRowSquaredDeviationBody(): number[] {
  const [x, mean, acc, rows, cb] = [0, 1, 2, 3, 4];
  const firstLocal = 5;
  const { locals, vectorLocals } = reductionLocals(1, 1);
  const m = firstLocal + locals + vectorLocals - 1;
  const deviation = (p: number) => [...loadAt(p), ...get(m), ...vop(simd.f32x4Sub)];
  return columnReductionBody({
    inputs: [x],
    accumulators: [{ acc, term: ([p]) => [...deviation(p), ...deviation(p), ...vop(simd.f32x4Mul)] }],
    rows,
    cb,
    firstLocal,
    setUp: (k) => [...at(mean, k), ...set(m)],
  });
}

/** bnRowSumAndDot(dy, y, sum, dot, rows, cb): sum[:] = Σ_r dy[r, :], dot[:] = Σ_r dy[r, :]·y[r, :]. */
export function bnRowSumAndDotBody(): number[] {
  const [dy, y, sum, dot, rows, cb] = [0, 1, 2, 3, 4, 5];
  return columnReductionBody({
    inputs: [dy, y],
    accumulators: [
      { acc: sum, term: ([p]) => loadAt(p) },
      { acc: dot, term: ([p, q]) => [...loadAt(p), ...loadAt(q), ...vop(simd.f32x4Mul)] },
    ],
    rows,
    cb,
    firstLocal: 6,
  });
}

/**
 * bnRowMap(a, b, u, v, s, out, rows, cb): out[r, :] = (a[r, :] − u − b[r, :]·v)·s with u, v, s
 * one row each. Forward: a = x, u = mean, v = 0 (b any row), s = 1/σ. Backward: a = dy, b = y,
 * u = mean(dy), v = mean(dy·y), s = 1/σ. Pointers in bytes.
 */
export function bnRowMapBody(): number[] {
  const [a, b, u, v, s, out, rows, cb, r, k] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  return [
    ...c(0), ...set(r),
    op.loop, op.voidType,
    ...c(0), ...set(k),
    op.loop, op.voidType,
    ...get(out), ...get(k), ...add,
    ...at(a, k), ...at(u, k), ...vop(simd.f32x4Sub),
    ...at(b, k), ...at(v, k), ...vop(simd.f32x4Mul), ...vop(simd.f32x4Sub),
    ...at(s, k), ...vop(simd.f32x4Mul),
    ...store(),
    ...nextVector(k, cb),
    op.end,
    ...[a, b, out].flatMap((p) => [...get(p), ...get(cb), ...add, ...set(p)]),
    ...next(r, rows),
    op.end,
  ];
}