import type { Rng } from '../../../../../src-shared/model/rng';
import { type FlatNetwork, glorot } from './network';

/**
 * A ReLU multilayer perceptron on a binary input given by the positions of its ones (the adjacency
 * and path encodings have 6 and at most 4 ones), so the first layer is a sum of rows. Layout of
 * `params`: per layer the weights `[in][out]` row-major, then the biases; the output layer last.
 */
export class SparseInputMlp implements FlatNetwork<readonly number[]> {
  readonly params: Float64Array;
  private readonly sizes: number[];
  private readonly offsets: { w: number; b: number }[] = [];
  private readonly acts: Float64Array[];
  private readonly deltas: Float64Array[];

  constructor(inputs: number, hidden: readonly number[], rng: Rng) {
    if (hidden.length === 0) throw new RangeError('the MLP predictor needs at least one hidden layer');
    this.sizes = [inputs, ...hidden, 1];
    let total = 0;
    for (let l = 0; l + 1 < this.sizes.length; l++) {
      this.offsets.push({ w: total, b: total + this.sizes[l] * this.sizes[l + 1] });
      total += (this.sizes[l] + 1) * this.sizes[l + 1];
    }
    this.params = new Float64Array(total);
    this.offsets.forEach(({ w }, l) => glorot(this.params, w, this.sizes[l], this.sizes[l + 1], rng));
    this.acts = hidden.map((h) => new Float64Array(h));
    this.deltas = hidden.map((h) => new Float64Array(h));
  }

  forward(ones: readonly number[]): number {
    const p = this.params;
    const layers = this.offsets.length;
    for (let l = 0; l < layers; l++) {
      const { w, b } = this.offsets[l];
      const nOut = this.sizes[l + 1];
      const out = l === layers - 1 ? null : this.acts[l];
      let scalar = 0;
      for (let j = 0; j < nOut; j++) {
        let z = p[b + j];
        if (l === 0) for (const k of ones) z += p[w + k * nOut + j];
        else {
          const prev = this.acts[l - 1];
          for (let k = 0; k < prev.length; k++) z += prev[k] * p[w + k * nOut + j];
        }
        if (out) out[j] = z > 0 ? z : 0;
        else scalar = z;
      }
      if (!out) return scalar;
    }
    throw new Error('unreachable: the MLP always ends in its output layer');
  }

  backward(ones: readonly number[], grads: Float64Array, scale: (output: number) => number): number {
    const output = this.forward(ones);
    const p = this.params;
    const layers = this.offsets.length;
    let dOut: Float64Array = new Float64Array([scale(output)]);
    for (let l = layers - 1; l >= 0; l--) {
      const { w, b } = this.offsets[l];
      const nOut = this.sizes[l + 1];
      for (let j = 0; j < nOut; j++) grads[b + j] += dOut[j];
      if (l === 0) {
        for (const k of ones) for (let j = 0; j < nOut; j++) grads[w + k * nOut + j] += dOut[j];
        break;
      }
      const prev = this.acts[l - 1];
      const dPrev = this.deltas[l - 1];
      for (let k = 0; k < prev.length; k++) {
        let s = 0;
        for (let j = 0; j < nOut; j++) {
          grads[w + k * nOut + j] += prev[k] * dOut[j];
          s += p[w + k * nOut + j] * dOut[j];
        }
        dPrev[k] = prev[k] > 0 ? s : 0;
      }
      dOut = dPrev;
    }
    return output;
  }
}
