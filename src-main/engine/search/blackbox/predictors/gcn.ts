import type { Rng } from '../../../../../src-shared/model/rng';
import type { CellGraph } from '../spaces/cell-space';
import { type FlatNetwork, glorot } from './network';

/** A GCN's input: node types and the symmetric normalised adjacency of one graph of `types.length` nodes. */
export interface GcnInput {
  types: number[];
  adj: Float64Array;
}

/**
 * The graphs of a cell (NB201: one; DARTS: the normal and the reduction cell) as one graph with a
 * block-diagonal adjacency, normalised as D^-½ (A + Aᵀ + I) D^-½ (Kipf and Welling, ICLR 2017).
 */
export function gcnInput(graphs: readonly CellGraph[]): GcnInput {
  const n = graphs.reduce((s, g) => s + g.types.length, 0);
  const a = new Float64Array(n * n);
  let at = 0;
  for (const g of graphs) {
    const m = g.types.length;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        if (g.adj[i * m + j] !== 0) {
          a[(at + i) * n + at + j] = 1;
          a[(at + j) * n + at + i] = 1;
        }
      }
      a[(at + i) * n + at + i] = 1;
    }
    at += m;
  }
  const degree = Array.from({ length: n }, (_, i) => a.slice(i * n, (i + 1) * n).reduce((s, x) => s + x, 0));
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] /= Math.sqrt(degree[i] * degree[j]);
  return { types: graphs.flatMap((g) => g.types), adj: a };
}

/**
 * A two-layer graph convolutional network on one-hot node types (after Wen et al., "Neural Predictor
 * for Neural Architecture Search", ECCV 2020, whose GCN predictor NASLib ships; theirs is deeper and
 * directed): H1 = relu(Â X W1 + b1), H2 = relu(Â H1 W2 + b2), output = w3 · mean(H2) + b3.
 * `x` is a cell's graph (`gcnInput`): its node types and normalised adjacency.
 */
export class Gcn implements FlatNetwork<GcnInput> {
  readonly params: Float64Array;
  private readonly o: { w1: number; b1: number; w2: number; b2: number; w3: number; b3: number };
  private h1 = new Float64Array(0);
  private m1 = new Float64Array(0);
  private h2 = new Float64Array(0);

  constructor(
    private readonly types: number,
    private readonly width: number,
    rng: Rng,
  ) {
    const w1 = 0;
    const b1 = w1 + types * width;
    const w2 = b1 + width;
    const b2 = w2 + width * width;
    const w3 = b2 + width;
    const b3 = w3 + width;
    this.o = { w1, b1, w2, b2, w3, b3 };
    this.params = new Float64Array(b3 + 1);
    glorot(this.params, w1, types, width, rng);
    glorot(this.params, w2, width, width, rng);
    glorot(this.params, w3, width, 1, rng);
  }

  forward({ types: x, adj }: GcnInput): number {
    const { width: c, params: p, o } = this;
    const n = x.length;
    if (adj.length !== n * n || x.some((t) => t < 0 || t >= this.types)) throw new RangeError(`a GCN input is node types in 0..${this.types - 1} and an adjacency of ${n}×${n}`);
    if (this.h1.length !== n * c) [this.h1, this.m1, this.h2] = [0, 1, 2].map(() => new Float64Array(n * c));
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < c; k++) {
        let z = p[o.b1 + k];
        for (let j = 0; j < n; j++) z += adj[i * n + j] * p[o.w1 + x[j] * c + k];
        this.h1[i * c + k] = z > 0 ? z : 0;
      }
    }
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < c; k++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += adj[i * n + j] * this.h1[j * c + k];
        this.m1[i * c + k] = s;
      }
    }
    let out = p[o.b3];
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < c; k++) {
        let z = p[o.b2 + k];
        for (let q = 0; q < c; q++) z += this.m1[i * c + q] * p[o.w2 + q * c + k];
        const h = z > 0 ? z : 0;
        this.h2[i * c + k] = h;
        out += (p[o.w3 + k] * h) / n;
      }
    }
    return out;
  }

  backward(input: GcnInput, g: Float64Array, scale: (output: number) => number): number {
    const output = this.forward(input);
    const { types: x, adj } = input;
    const { width: c, params: p, o } = this;
    const n = x.length;
    const dOut = scale(output);
    g[o.b3] += dOut;
    const dz2 = new Float64Array(n * c);
    for (let k = 0; k < c; k++) {
      let pooled = 0;
      for (let i = 0; i < n; i++) pooled += this.h2[i * c + k];
      g[o.w3 + k] += (dOut * pooled) / n;
      for (let i = 0; i < n; i++) dz2[i * c + k] = this.h2[i * c + k] > 0 ? (dOut * p[o.w3 + k]) / n : 0;
    }
    const dm1 = new Float64Array(n * c);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < c; k++) {
        const d = dz2[i * c + k];
        g[o.b2 + k] += d;
        for (let q = 0; q < c; q++) {
          g[o.w2 + q * c + k] += this.m1[i * c + q] * d;
          dm1[i * c + q] += p[o.w2 + q * c + k] * d;
        }
      }
    }
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < c; k++) {
        if (this.h1[j * c + k] <= 0) continue;
        let dz1 = 0;
        for (let i = 0; i < n; i++) dz1 += adj[i * n + j] * dm1[i * c + k];
        g[o.b1 + k] += dz1;
        for (let i = 0; i < n; i++) g[o.w1 + x[i] * c + k] += adj[j * n + i] * dz1;
      }
    }
    return output;
  }
}
