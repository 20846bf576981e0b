import * as tf from '@tensorflow/tfjs';

/**
 * The optimizers of DARTS's reference code (used by every strategy here), with PyTorch's update rules (weight decay added to the
 * gradient, momentum buffer started at the first gradient), written out because the unrolled
 * architecture step reads the weights' momentum buffer, which tfjs's optimizers keep private.
 */

/** SGD with momentum and L2 weight decay (torch.optim.SGD). */
export class SgdMomentum {
  private readonly buffers = new Map<tf.Variable, tf.Tensor>();

  constructor(private readonly momentum: number, private readonly weightDecay: number) {}

  /** d = g + wd·w; buf = μ·buf + d; w ← w − lr·buf. Consumes nothing: the caller disposes `grads`. */
  step(variables: readonly tf.Variable[], grads: readonly tf.Tensor[], lr: number): void {
    variables.forEach((v, i) => {
      const prev = this.buffers.get(v);
      const buf = tf.tidy(() => {
        const d = tf.add(grads[i], tf.mul(v, this.weightDecay));
        return prev ? tf.add(tf.mul(prev, this.momentum), d) : d;
      });
      prev?.dispose();
      this.buffers.set(v, buf);
      const next = tf.tidy(() => tf.sub(v, tf.mul(buf, lr)));
      v.assign(next);
      next.dispose();
    });
  }

  /** μ·buf for `v` (zeros before the first step): the look-ahead DARTS's unrolled step includes. */
  scaledMomentum(v: tf.Variable): tf.Tensor {
    const buf = this.buffers.get(v);
    return buf ? tf.mul(buf, this.momentum) : tf.zerosLike(v);
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
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    variables.forEach((p, i) => {
      const [m, v, next] = tf.tidy(() => {
        const g = tf.add(grads[i], tf.mul(p, this.weightDecay));
        const mPrev = this.m.get(p) ?? tf.zerosLike(p);
        const vPrev = this.v.get(p) ?? tf.zerosLike(p);
        const mNew = tf.add(tf.mul(mPrev, this.beta1), tf.mul(g, 1 - this.beta1));
        const vNew = tf.add(tf.mul(vPrev, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        const update = tf.div(tf.div(mNew, c1), tf.add(tf.sqrt(tf.div(vNew, c2)), this.eps));
        return [mNew, vNew, tf.sub(p, tf.mul(update, this.lr))];
      });
      this.m.get(p)?.dispose();
      this.v.get(p)?.dispose();
      this.m.set(p, m);
      this.v.set(p, v);
      p.assign(next);
      next.dispose();
    });
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}

/** Rescales `grads` (disposing the originals when it does) so that their joint L2 norm is at most `maxNorm`; returns the norm before. */
export function clipByGlobalNorm(grads: tf.Tensor[], maxNorm: number): { clipped: tf.Tensor[]; norm: number } {
  const norm = tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))).dataSync()[0]);
  const scale = maxNorm / (norm + 1e-6);
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
