import type { Rng } from '../../../../src-shared/model/rng';

/**
 * ProxylessNAS's binarized paths (Cai, Zhu and Han, ICLR 2019; mit-han-lab/proxylessnas
 * `search/modules/mix_op.py` MixedEdge `binarize` and `set_arch_param_grad`, mode 'two'), on one
 * edge's row of α, in plain numbers.
 */

/** One draw of an index from `probs` (torch.multinomial(probs, 1)). */
export function sampleIndex(probs: readonly number[], rng: Rng, exclude = -1): number {
  const total = probs.reduce((s, p, k) => (k === exclude ? s : s + p), 0);
  let u = rng.next() * total;
  let last = -1;
  for (let k = 0; k < probs.length; k++) {
    if (k === exclude || probs[k] <= 0) continue;
    last = k;
    u -= probs[k];
    if (u < 0) return k;
  }
  // Rounding left u ≥ 0 after the last positive entry: that entry is the draw.
  if (last < 0) throw new Error('cannot draw an op: every probability is zero');
  return last;
}

/** Two distinct ops drawn from `probs` without replacement (torch.multinomial(probs, 2, replacement=False)). */
export function sampleTwo(probs: readonly number[], rng: Rng): [number, number] {
  if (probs.length < 2) throw new Error(`ProxylessNAS draws two ops per edge, this edge has ${probs.length}`);
  const first = sampleIndex(probs, rng);
  return [first, sampleIndex(probs, rng, first)];
}

/** softmax over the α of the given ops only (the authors' `probs_slice`). */
export function pairProbabilities(alpha: readonly number[], involved: readonly number[]): number[] {
  const max = Math.max(...involved.map((k) => alpha[k]));
  const exps = involved.map((k) => Math.exp(alpha[k] - max));
  const sum = exps.reduce((s, e) => s + e, 0);
  return exps.map((e) => e / sum);
}

/**
 * The binary gates of one α step: two ops drawn from softmax(α), the active one of them drawn from
 * their renormalised probabilities; `involved` = [active, inactive] (the gate of `active` is 1).
 */
export function drawGates(alpha: readonly number[], probs: readonly number[], rng: Rng): { involved: [number, number] } {
  const pair = sampleTwo(probs, rng);
  const c = sampleIndex(pairProbabilities(alpha, pair), rng);
  return { involved: [pair[c], pair[1 - c]] };
}

/**
 * The authors' α gradient from the gates' gradients: ∂L/∂α_i = Σ_j ∂L/∂g_j·p_j·(δ_ij − p_i), i and
 * j over the involved ops, p their renormalised probabilities; 0 for every other op. `gateGrads` is
 * the edge's full row of ∂L/∂g.
 */
export function binaryGateAlphaGrad(alpha: readonly number[], involved: readonly number[], gateGrads: readonly number[]): number[] {
  const p = pairProbabilities(alpha, involved);
  const grad = alpha.map(() => 0);
  involved.forEach((oi, i) => {
    involved.forEach((oj, j) => {
      grad[oi] += gateGrads[oj] * p[j] * ((i === j ? 1 : 0) - p[i]);
    });
  });
  return grad;
}

/**
 * The authors' `rescale_updated_arch_param`: shift the involved entries of the updated α by one
 * offset, log(Σ exp(new)/Σ exp(old)) over them, so their total probability mass (and every other
 * op's probability) is what it was before the update.
 */
export function rescaleInvolved(before: readonly number[], after: readonly number[], involved: readonly number[]): number[] {
  const offset = Math.log(involved.reduce((s, k) => s + Math.exp(after[k]), 0) / involved.reduce((s, k) => s + Math.exp(before[k]), 0));
  return after.map((a, k) => (involved.includes(k) ? a - offset : a));
}
