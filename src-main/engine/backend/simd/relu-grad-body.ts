import { ins, op, simd } from './encoder';
import { add, c, get, load, nextVector, set, store } from './loops';

/**
 * reluGrad(x, dy, out, bytes): out = dy · step(x), tfjs's Relu gradient in one pass, step(x) being
 * 1 where x > 0, NaN where x is NaN, else 0 (so dy · 0 keeps its sign and an infinite dy gives NaN,
 * as the composed mul(dy, step(x)) does). bytes a multiple of 16, ≥ 16.
 */
export function reluGradBody(): number[] {
  const [x, dy, out, bytes] = [0, 1, 2, 3];
  const k = 4;
  const [v, one] = [5, 6];
  const vop = (code: number) => ins.simd(code);
  return [
    ...ins.f32Const(1), ...vop(simd.f32x4Splat), ...set(one),
    ...c(0), ...set(k),
    op.loop, op.voidType,
    ...get(out), ...get(k), ...add,
    ...get(x), ...get(k), ...add, ...load(), ...set(v),
    ...get(dy), ...get(k), ...add, ...load(),
    ...get(v), ...ins.i32x4Const([0, 0, 0, 0]), ...vop(simd.f32x4Gt), ...get(one), ...vop(simd.v128And),
    ...get(v), ...get(v), ...vop(simd.f32x4Ne), ...get(v), ...vop(simd.v128And),
    ...vop(simd.v128Or),
    ...vop(simd.f32x4Mul),
    ...store(),
    ...nextVector(k, bytes),
    op.end,
  ];
}
