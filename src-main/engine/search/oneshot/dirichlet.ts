import type { Rng } from '../../../../src-shared/model/rng';

/**
 * The Dirichlet distribution for DrNAS, in float64 on the CPU side (rows of a few ops): sampling via
 * Gamma draws, the pathwise (implicit reparameterization) gradient of a sample in its concentration
 * (Figurnov et al. 2018, what PyTorch's `Dirichlet.rsample` differentiates), and the KL divergence
 * between two Dirichlets with its gradient.
 */

const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

/** ln Γ(x) for x > 0 (Lanczos, g = 7: about 15 digits). */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const y = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < 9; i++) sum += LANCZOS[i] / (y + i);
  const t = y + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ψ(x) = d ln Γ / dx for x > 0: recurrence up to 10, then the asymptotic series. */
export function digamma(x: number): number {
  let shift = 0;
  while (x < 10) shift -= 1 / x++;
  const f = 1 / (x * x);
  return shift + Math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
}

/** ψ'(x) for x > 0: recurrence up to 10, then the asymptotic series. */
export function trigamma(x: number): number {
  let shift = 0;
  while (x < 10) shift += 1 / (x * x++);
  const f = 1 / (x * x);
  return shift + 1 / x + f / 2 + (1 / x) * f * (1 / 6 - f * (1 / 30 - f * (1 / 42 - f / 30)));
}

/** The regularized lower incomplete gamma P(a, x) (series below a + 1, continued fraction above). */
export function regularizedGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const front = a * Math.log(x) - x - lnGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 500 && Math.abs(term) > Math.abs(sum) * 1e-16; n++) sum += term *= x / (a + n);
    return sum * Math.exp(front);
  }
  // Lentz's continued fraction for Q(a, x).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 - Math.exp(front) * h;
}

/** A Gamma(a, 1) draw (Marsaglia and Tsang; for a < 1, a Gamma(a + 1) draw times U^(1/a)). */
export function gammaSample(a: number, rng: Rng): number {
  if (a < 1) {
    let u = 0;
    while (u === 0) u = rng.next();
    return gammaSample(a + 1, rng) * u ** (1 / a);
  }
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    const u = rng.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/**
 * dz/da of a Gamma(a) sample z held at its quantile (implicit reparameterization):
 * −(∂P(a, z)/∂a) / p(z; a), the a-derivative of the CDF by a central difference (error ≈ 1e-9).
 */
export function gammaSampleDerivative(z: number, a: number): number {
  const h = 1e-5 * Math.max(1, a);
  const dP = (regularizedGammaP(a + h, z) - regularizedGammaP(a - h, z)) / (2 * h);
  const density = Math.exp((a - 1) * Math.log(z) - z - lnGamma(a));
  return -dP / density;
}

/** One Dirichlet(a) draw w = z / Σz with its Gamma draws z (kept for the gradient). */
export interface DirichletDraw {
  w: number[];
  z: number[];
}

export function dirichletSample(a: readonly number[], rng: Rng): DirichletDraw {
  // A draw can underflow to 0 for a tiny concentration; the floor keeps w and its gradient finite.
  const z = a.map((ak) => Math.max(gammaSample(ak, rng), 1e-30));
  const sum = z.reduce((s, v) => s + v, 0);
  return { w: z.map((v) => v / sum), z };
}

/**
 * ∂L/∂a of a draw, given ∂L/∂w: w_k = z_k/S, so ∂L/∂a_j = (dz_j/da_j)/S · (g_j − Σ_k g_k w_k).
 */
export function dirichletVjp(draw: DirichletDraw, a: readonly number[], gradW: readonly number[]): number[] {
  const sum = draw.z.reduce((s, v) => s + v, 0);
  const dot = gradW.reduce((s, g, k) => s + g * draw.w[k], 0);
  return a.map((aj, j) => (gammaSampleDerivative(draw.z[j], aj) / sum) * (gradW[j] - dot));
}

/** KL(Dir(a) ‖ Dir(b)). */
export function dirichletKl(a: readonly number[], b: readonly number[]): number {
  const a0 = a.reduce((s, v) => s + v, 0);
  const b0 = b.reduce((s, v) => s + v, 0);
  let kl = lnGamma(a0) - lnGamma(b0);
  a.forEach((ak, k) => (kl += lnGamma(b[k]) - lnGamma(ak) + (ak - b[k]) * (digamma(ak) - digamma(a0))));
  return kl;
}

/** ∂/∂a_j KL(Dir(a) ‖ Dir(b)) = (a_j − b_j)ψ'(a_j) − (a0 − b0)ψ'(a0). */
export function dirichletKlGrad(a: readonly number[], b: readonly number[]): number[] {
  const a0 = a.reduce((s, v) => s + v, 0);
  const b0 = b.reduce((s, v) => s + v, 0);
  return a.map((aj, j) => (aj - b[j]) * trigamma(aj) - (a0 - b0) * trigamma(a0));
}

/** DrNAS's concentration elu(β) + 1 and its derivative in β. */
export function concentration(beta: number): { value: number; slope: number } {
  return beta > 0 ? { value: beta + 1, slope: 1 } : { value: Math.exp(beta), slope: Math.exp(beta) };
}
