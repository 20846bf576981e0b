import * as tf from '@tensorflow/tfjs';
import type { StateReader, StateWriter } from '../checkpoint/state';
import { fusedAdamL2, fusedSgdMomentum, fusedSumOfSquares, hasFusedKernel, NAS_ADAM_L2, NAS_SGD_MOMENTUM, NAS_SUM_OF_SQUARES } from './fused';

/**
 * The optimizers of DARTS's reference code (used by every strategy here), with PyTorch's update rules (weight decay added to the
 * gradient, momentum buffer started at the first gradient), written out because the unrolled
 * architecture step reads the weights' momentum buffer, which tfjs's optimizers keep private.
 */

/** SGD with momentum and L2 weight decay (torch.optim.SGD), optionally with Nesterov momentum. */
export class SgdMomentum {
  private readonly buffers = new Map<tf.Variable, tf.Tensor>();

  /** `nesterov`: torch's nesterov=True, the step is d + μ·buf instead of buf (NAS-Bench-201's training). */
  constructor(private readonly momentum: number, private readonly weightDecay: number, private readonly nesterov = false) {}

  /**
   * d = g·gradScale + wd·w; buf = μ·buf + d; w ← w − lr·buf. `gradScale` is gradient clipping's
   * factor (see clipScale), applied here rather than by a Mul per gradient. Consumes nothing: the
   * caller disposes `grads`.
   */
  step(variables: readonly tf.Variable[], grads: readonly tf.Tensor[], lr: number, gradScale = 1): void {
    // The fused kernel has no Nesterov form.
    if (!this.nesterov && hasFusedKernel(NAS_SGD_MOMENTUM)) this.fusedStep(variables, grads, lr, gradScale);
    else this.composedStep(variables, grads, lr, gradScale);
  }

  private fusedStep(variables: readonly tf.Variable[], grads: readonly tf.Tensor[], lr: number, gradScale: number): void {
    const attrs = { lr, momentum: this.momentum, weightDecay: this.weightDecay, gradScale };
    variables.forEach((v, i) => {
      const prev = this.buffers.get(v);
      const [next, buf] = fusedSgdMomentum(v, grads[i], prev, attrs);
      prev?.dispose();
      this.buffers.set(v, buf);
      v.assign(next);
      next.dispose();
    });
  }

  private composedStep(variables: readonly tf.Variable[], grads: readonly tf.Tensor[], lr: number, gradScale: number): void {
    variables.forEach((v, i) => {
      const prev = this.buffers.get(v);
      const [buf, next] = tf.tidy(() => {
        const g = gradScale === 1 ? grads[i] : tf.mul(grads[i], gradScale);
        const d = tf.add(g, tf.mul(v, this.weightDecay));
        const b = prev ? tf.add(tf.mul(prev, this.momentum), d) : d;
        return [b, tf.sub(v, tf.mul(this.nesterov ? tf.add(d, tf.mul(b, this.momentum)) : b, lr))];
      });
      prev?.dispose();
      this.buffers.set(v, buf);
      v.assign(next);
      next.dispose();
    });
  }

  /**
   * w − lr·(μ·buf + g + wd·w) for `v`, its buffer left as it is: the one-step look-ahead weight w' of
   * DARTS's unrolled architecture gradient. `weightDecay` defaults to this optimizer's. Caller disposes.
   */
  lookAhead(v: tf.Variable, g: tf.Tensor, lr: number, weightDecay = this.weightDecay): tf.Tensor {
    if (hasFusedKernel(NAS_SGD_MOMENTUM)) {
      const [next, buf] = fusedSgdMomentum(v, g, this.buffers.get(v), { lr, momentum: this.momentum, weightDecay, gradScale: 1 });
      buf.dispose();
      return next;
    }
    return tf.tidy(() => tf.sub(v, tf.mul(tf.add(tf.add(this.scaledMomentum(v), g), tf.mul(v, weightDecay)), lr)));
  }

  /** μ·buf for `v` (zeros before the first step): the look-ahead DARTS's unrolled step includes. */
  scaledMomentum(v: tf.Variable): tf.Tensor {
    const buf = this.buffers.get(v);
    return buf ? tf.mul(buf, this.momentum) : tf.zerosLike(v);
  }

  /**
   * The momentum buffers of `variables` (in that order); a variable no step has reached yet has
   * none, and gets none back.
   */
  saveState(out: StateWriter, variables: readonly tf.Variable[]): void {
    out.json('present', variables.map((v) => this.buffers.has(v)));
    variables.forEach((v, i) => {
      const buf = this.buffers.get(v);
      if (buf) out.tensor(`buf.${i}`, buf);
    });
  }

  loadState(from: StateReader, variables: readonly tf.Variable[]): void {
    const present = from.json<boolean[]>('present');
    if (present.length !== variables.length) throw new Error(`checkpoint ${from.source}: SGD state for ${present.length} weights, this network has ${variables.length}`);
    this.dispose();
    variables.forEach((v, i) => {
      if (present[i]) this.buffers.set(v, from.tensor(`buf.${i}`, v.shape));
    });
  }

  dispose(): void {
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
  }
}

/** Adam with L2 weight decay added to the gradient (torch.optim.Adam, eps 1e-8). */
export class AdamL2 {
  private readonly m = new Map<tf.Variable, tf.Tensor>();
  private readonly v = new Map<tf.Variable, tf.Tensor>();
  private t = 0;

  constructor(
    private readonly lr: number,
    private readonly beta1: number,
    private readonly beta2: number,
    private readonly weightDecay: number,
    private readonly eps = 1e-8,
  ) {}

  step(variables: readonly tf.Variable[], grads: readonly tf.Tensor[]): void {
    this.t++;
    const fused = hasFusedKernel(NAS_ADAM_L2);
    variables.forEach((p, i) => {
      const [m, v, next] = fused ? this.fusedUpdate(p, grads[i]) : this.composedUpdate(p, grads[i]);
      this.m.get(p)?.dispose();
      this.v.get(p)?.dispose();
      this.m.set(p, m);
      this.v.set(p, v);
      p.assign(next);
      next.dispose();
    });
  }

  /** [mNew, vNew, pNext]. */
  private fusedUpdate(p: tf.Variable, grad: tf.Tensor): tf.Tensor[] {
    const m = this.m.get(p);
    const v = this.v.get(p);
    const attrs = { lr: this.lr, beta1: this.beta1, beta2: this.beta2, weightDecay: this.weightDecay, eps: this.eps, step: this.t };
    const [next, mNew, vNew] = fusedAdamL2(p, grad, m && v ? { m, v } : undefined, attrs);
    return [mNew, vNew, next];
  }

  private composedUpdate(p: tf.Variable, grad: tf.Tensor): tf.Tensor[] {
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    return tf.tidy(() => {
      const g = tf.add(grad, tf.mul(p, this.weightDecay));
      const mPrev = this.m.get(p) ?? tf.zerosLike(p);
      const vPrev = this.v.get(p) ?? tf.zerosLike(p);
      const mNew = tf.add(tf.mul(mPrev, this.beta1), tf.mul(g, 1 - this.beta1));
      const vNew = tf.add(tf.mul(vPrev, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
      const update = tf.div(tf.div(mNew, c1), tf.add(tf.sqrt(tf.div(vNew, c2)), this.eps));
      return [mNew, vNew, tf.sub(p, tf.mul(update, this.lr))];
    });
  }

  /** Step count and both moments of `variables` (in that order; a variable never stepped has none). */
  saveState(out: StateWriter, variables: readonly tf.Variable[]): void {
    out.json('t', this.t);
    out.json('present', variables.map((p) => this.m.has(p)));
    variables.forEach((p, i) => {
      const m = this.m.get(p);
      const v = this.v.get(p);
      if (m && v) {
        out.tensor(`m.${i}`, m);
        out.tensor(`v.${i}`, v);
      }
    });
  }

  loadState(from: StateReader, variables: readonly tf.Variable[]): void {
    const present = from.json<boolean[]>('present');
    if (present.length !== variables.length) throw new Error(`checkpoint ${from.source}: Adam state for ${present.length} variables, this network has ${variables.length}`);
    this.dispose();
    this.t = from.json<number>('t');
    variables.forEach((p, i) => {
      if (!present[i]) return;
      this.m.set(p, from.tensor(`m.${i}`, p.shape));
      this.v.set(p, from.tensor(`v.${i}`, p.shape));
    });
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}

/** The joint L2 norm of `grads` (one fused kernel call where the backend has it). */
export function globalNorm(grads: readonly tf.Tensor[]): number {
  if (hasFusedKernel(NAS_SUM_OF_SQUARES)) return Math.sqrt(fusedSumOfSquares(grads));
  return tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))).dataSync()[0]);
}

/** The factor clip_grad_norm_ scales gradients of joint norm `norm` by: maxNorm / (norm + 1e-6), at most 1. */
export function clipScale(norm: number, maxNorm: number): number {
  return Math.min(1, maxNorm / (norm + 1e-6));
}

/**
 * Rescales `grads` (disposing the originals when it does) so that their joint L2 norm is at most
 * `maxNorm`; returns the norm before. Before an SGD step, pass clipScale(globalNorm(grads), maxNorm)
 * to SgdMomentum.step instead: it saves a Mul per gradient.
 */
export function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number): { clipped: tf.Tensor[]; norm: number } {
  const norm = globalNorm(grads);
  const scale = clipScale(norm, maxNorm);
  if (scale >= 1) return { clipped: grads, norm };
  const clipped = grads.map((g) => tf.mul(g, scale));
  tf.dispose(grads);
  return { clipped, norm };
}

/** Cosine annealing per epoch (torch CosineAnnealingLR stepped at each epoch's start, as DARTS does). */
export function cosineLearningRate(epoch: number, epochs: number, lrMax: number, lrMin: number): number {
  return lrMin + ((lrMax - lrMin) * (1 + Math.cos((Math.PI * epoch) / epochs))) / 2;
}

/**
 * Gradients of `variables` from a tf.variableGrads result, in order; zeros for a variable the loss
 * does not reach (an unused cell type's α, the weights of ops a single-path forward skipped).
 */
export function gradsInOrder(variables: readonly tf.Variable[], grads: tf.NamedTensorMap): tf.Tensor[] {
  return variables.map((v) => grads[v.name] ?? tf.zerosLike(v));
}
