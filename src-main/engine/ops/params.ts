import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../../src-shared/model/rng';
import type { StateReader, StateWriter } from '../checkpoint/state';

/**
 * The trainable weights of a network: one named tf.Variable per weight. Names are dotted paths
 * (`cells.3.edges.5.sep_conv_3x3.dw1`) so a checkpoint or a debugger can point at one weight.
 * Architecture parameters live elsewhere (the supernet keeps them apart, as DARTS does).
 */
export class ParamStore {
  private readonly byName = new Map<string, tf.Variable>();

  constructor(private readonly rng: Rng) {}

  /**
   * A convolution filter `[kh, kw, inC, outC]` (or depthwise `[kh, kw, C, 1]`) drawn from
   * N(0, 2/fanIn) (He et al. 2015), fanIn = kh*kw*inC for a full conv, kh*kw for a depthwise one.
   */
  convFilter(name: string, shape: [number, number, number, number], fanIn: number): tf.Variable {
    const std = Math.sqrt(2 / fanIn);
    return this.add(name, shape, () => this.rng.normal() * std);
  }

  /** A dense matrix `[inF, outF]` uniform in ±1/sqrt(inF) (PyTorch's nn.Linear default). */
  dense(name: string, inFeatures: number, outFeatures: number): tf.Variable {
    return this.uniform(name, [inFeatures, outFeatures], inFeatures);
  }

  /** A dense layer's bias `[outF]`, uniform in ±1/sqrt(inF) (PyTorch's nn.Linear default). */
  bias(name: string, outFeatures: number, inFeatures: number): tf.Variable {
    return this.uniform(name, [outFeatures], inFeatures);
  }

  /** A vector filled with `value` (BN scale 1, BN shift and biases 0). */
  constant(name: string, size: number, value: number): tf.Variable {
    return this.add(name, [size], () => value);
  }

  get(name: string): tf.Variable {
    const v = this.byName.get(name);
    if (!v) throw new Error(`no parameter named '${name}' (known: ${this.byName.size} parameters)`);
    return v;
  }

  /** Every weight, in creation order (the order optimizers and flat vectors use). */
  list(): tf.Variable[] {
    return [...this.byName.values()];
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** Number of scalar weights. */
  count(): number {
    let n = 0;
    for (const v of this.byName.values()) n += v.size;
    return n;
  }

  /** Every weight under its dotted name. */
  saveState(out: StateWriter): void {
    for (const [name, v] of this.byName) out.tensor(name, v);
  }

  /** Every weight from the saved values of the same name; a missing name or another shape is an error. */
  loadState(from: StateReader): void {
    for (const [name, v] of this.byName) from.assign(name, v);
  }

  dispose(): void {
    for (const v of this.byName.values()) v.dispose();
    this.byName.clear();
  }

  private uniform(name: string, shape: number[], fanIn: number): tf.Variable {
    const bound = 1 / Math.sqrt(fanIn);
    return this.add(name, shape, () => (2 * this.rng.next() - 1) * bound);
  }

  private add(name: string, shape: number[], draw: () => number): tf.Variable {
    if (this.byName.has(name)) throw new Error(`parameter '${name}' is defined twice`);
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    for (let i = 0; i < size; i++) values[i] = draw();
    const v = tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), true));
    this.byName.set(name, v);
    return v;
  }
}
