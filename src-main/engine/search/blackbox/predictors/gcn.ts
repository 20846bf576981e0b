import type { Rng } from '../../../../../src-shared/model/rng';
import { NB201_EDGES } from '../spaces/nb201-cells';
import { type FlatNetwork, glorot } from './network';

/** Nodes of an NB201 cell as a graph with ops on nodes: the input, one node per edge, the output. */
export const NB201_GRAPH_NODES = NB201_EDGES.length + 2;

/**
 * The symmetric normalised adjacency D^-½ (A + Aᵀ + I) D^-½ (Kipf and Welling, ICLR 2017) of that
 * graph: an edge-op node reads from the input (edges leaving node 0) or from the edge-op nodes that
 * end where it starts, and the edges into node 3 feed the output. The graph is the same for every
 * cell; only the node features (the ops) differ.
 */
export function nb201Adjacency(): Float64Array {
  const n = NB201_GRAPH_NODES;
  const out = n - 1;
  const a = new Float64Array(n * n);
  const link = (i: number, j: number): void => {
    a[i * n + j] = 1;
    a[j * n + i] = 1;
  };
  NB201_EDGES.forEach(([from, to], e) => {
    if (from === 0) link(0, 1 + e);
    NB201_EDGES.forEach(([, before], f) => before === from && link(1 + f, 1 + e));
    if (to === 3) link(1 + e, out);
  });
  for (let i = 0; i < n; i++) a[i * n + i] = 1;
  const degree = Array.from({ length: n }, (_, i) => a.slice(i * n, (i + 1) * n).reduce((s, x) => s + x, 0));
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] /= Math.sqrt(degree[i] * degree[j]);
  return a;
}

/**
 * A two-layer graph convolutional network on one-hot node types (after Wen et al., "Neural Predictor
 * for Neural Architecture Search", ECCV 2020, whose GCN predictor NASLib ships; theirs is deeper and
 * directed): H1 = relu(Â X W1 + b1), H2 = relu(Â H1 W2 + b2), output = w3 · mean(H2) + b3.
 * `x` is the type of every node (0 input, 1..ops the op, ops+1 output).
 */
export class Nb201Gcn implements FlatNetwork<readonly number[]> {
  readonly params: Float64Array;
  private readonly adj = nb201Adjacency();
  private readonly o: { w1: number; b1: number; w2: number; b2: number; w3: number; b3: number };
  private readonly h1: Float64Array;
  private readonly m1: Float64Array;
  private readonly h2: Float64Array;

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
    const n = NB201_GRAPH_NODES;
    this.h1 = new Float64Array(n * width);
    this.m1 = new Float64Array(n * width);
    this.h2 = new Float64Array(n * width);
  }

  forward(x: readonly number[]): number {
    const { adj, width: c, params: p, o } = this;
    const n = NB201_GRAPH_NODES;
    if (x.length !== n || x.some((t) => t < 0 || t >= this.types)) throw new RangeError(`a GCN input is ${n} node types in 0..${this.types - 1}`);
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

  backward(x: readonly number[], g: Float64Array, scale: (output: number) => number): number {
    const output = this.forward(x);
    const { adj, width: c, params: p, o } = this;
    const n = NB201_GRAPH_NODES;
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
