import { ins, op } from './encoder';

/** Instruction snippets shared by the hand-written SIMD kernel bodies. */

export const { get, set, tee, load, store } = ins;
export const c = ins.const;
export const add = [op.i32Add];
export const mul = [op.i32Mul];
export const sub = [op.i32Sub];
/** `counter += 1; continue while counter < limit` at the end of a do-while loop. */
export const next = (counter: number, limit: number) => [...get(counter), ...c(1), ...add, ...tee(counter), ...get(limit), op.i32LtS, op.brIf, 0];
/** `k += 16; continue while k < bytes` at the end of a do-while loop over f32x4 vectors. */
export const nextVector = (k: number, bytes: number) => [...get(k), ...c(16), ...add, ...tee(k), ...get(bytes), op.i32LtU, op.brIf, 0];
