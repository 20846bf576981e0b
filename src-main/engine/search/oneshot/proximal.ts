import { opParams } from '../../../../src-shared/model/param-count';

/**
 * NASP's proximal operators (Yao, Xu, Tu and Zhu, "Efficient Neural Architecture Search via Proximal
 * Iterations", AAAI 2020, Sec. 3.2), on one edge's row of α, in plain numbers. C1 = {one nonzero
 * entry per edge}, C2 = [0, 1] per entry, and prox_{C1∩C2} = prox_C2 ∘ prox_C1 (their Proposition 2).
 */

/** The index of a row's largest entry (the first on a tie, as numpy's argmax). */
export function argmax(row: readonly number[]): number {
  if (row.length === 0) throw new Error('argmax of an empty row: an edge needs at least one op');
  let best = 0;
  for (let k = 1; k < row.length; k++) if (row[k] > row[best]) best = k;
  return best;
}

/** prox_C2: each entry clipped to [0, 1] (the authors' `clip`, Hardtanh(0, 1)). */
export function proxBox(row: readonly number[]): number[] {
  return row.map((a) => Math.min(1, Math.max(0, a)));
}

/**
 * prox_{C1∩C2}: the largest entry kept (clipped to [0, 1]), every other entry 0; `index` is the op
 * the edge keeps. The authors' code writes 1 instead of the kept value (docs/oneshot.md).
 */
export function proxOneHot(row: readonly number[]): { values: number[]; index: number } {
  const index = argmax(row);
  const kept = Math.min(1, Math.max(0, row[index]));
  return { values: row.map((_, k) => (k === index ? kept : 0)), index };
}

/**
 * Each op's share of the edge's parameters, params_k / Σ_j params_j with C channels (the authors'
 * `normal_burden`, from their per-op PARAMS table); all zero on an edge of parameter-free ops.
 */
export function parameterShares(ops: readonly string[], channels: number): number[] {
  const counts = ops.map((op) => opParams(op, channels, 1));
  const total = counts.reduce((s, n) => s + n, 0);
  return counts.map((n) => (total > 0 ? n / total : 0));
}

/**
 * NASP's size penalty on the discrete architecture, λ·Σ_edges Σ_k ā_k²·share_k (the authors'
 * `_l2_loss`, `--l2`), and its gradient 2λ·ā_k·share_k, row by row.
 */
export function sizePenalty(rows: readonly (readonly number[])[], shares: readonly (readonly number[])[], lambda: number): { value: number; grad: number[][] } {
  let value = 0;
  const grad = rows.map((row, e) =>
    row.map((a, k) => {
      value += lambda * a * a * shares[e][k];
      return 2 * lambda * a * shares[e][k];
    }),
  );
  return { value, grad };
}
