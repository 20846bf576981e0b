import type { Rng } from '../../../../../src-shared/model/rng';
import type { Nb201Cells } from '../spaces/nb201-cells';
import { Nb201Gcn } from './gcn';
import { SparseInputMlp } from './mlp';
import { type FlatNetwork, trainL1 } from './network';

export interface PredictorOptions {
  /** `mlp` on an encoding, or `gcn` on the cell graph (which ignores `encoding`). */
  kind: 'mlp' | 'gcn';
  encoding: 'adjacency' | 'path';
  ensembleSize: number;
  /** Widths of the MLP's hidden layers; the GCN uses the first as its width. */
  hidden: number[];
  epochs: number;
  batchSize: number;
  learningRate: number;
}

/** Extra one-hot inputs appended after the encoding's (BANANAS's zero-cost proxy feature): `size` of them, `ones` the active ones of a cell. */
export interface ExtraInputs {
  size: number;
  ones(arch: number): number[];
}

export interface Prediction {
  mean: Float64Array;
  /** Standard deviation over the ensemble's members (population form, as numpy's std). */
  std: Float64Array;
}

/**
 * An ensemble of independently initialised and trained networks (BANANAS's uncertainty estimate).
 * Targets are standardised for training and predictions mapped back. Each `fit` trains new networks
 * from scratch, as BANANAS does at each iteration.
 */
export class EnsemblePredictor {
  private members: FlatNetwork<readonly number[]>[] = [];
  private shift = 0;
  private spread = 1;

  constructor(
    private readonly cells: Nb201Cells,
    private readonly options: PredictorOptions,
    private readonly extra?: ExtraInputs,
  ) {
    if (extra && options.kind === 'gcn') throw new RangeError('extra predictor inputs go to the MLP; the GCN reads the cell graph only');
    if (options.ensembleSize < 1) throw new RangeError(`ensembleSize must be at least 1, got ${options.ensembleSize}`);
  }

  encode(arch: number): number[] {
    if (this.options.kind === 'gcn') return [0, ...this.cells.edgeOps(arch).map((d) => d + 1), this.cells.ops.length + 1];
    const base = this.options.encoding === 'path' ? this.cells.pathOnes(arch) : this.cells.adjacencyOnes(arch);
    return this.extra ? [...base, ...this.extra.ones(arch).map((i) => this.baseInputs + i)] : base;
  }

  private get baseInputs(): number {
    return this.options.encoding === 'path' ? this.cells.pathLength : this.cells.adjacencyLength;
  }

  fit(archs: readonly number[], ys: readonly number[], rng: Rng): void {
    if (archs.length === 0 || archs.length !== ys.length) throw new RangeError(`fit needs as many targets as cells (got ${archs.length} and ${ys.length})`);
    this.shift = ys.reduce((s, y) => s + y, 0) / ys.length;
    const sd = Math.sqrt(ys.reduce((s, y) => s + (y - this.shift) ** 2, 0) / ys.length);
    this.spread = sd > 1e-9 ? sd : 1;
    const xs = archs.map((a) => this.encode(a));
    const zs = ys.map((y) => (y - this.shift) / this.spread);
    this.members = Array.from({ length: this.options.ensembleSize }, () => {
      const net = this.network(rng);
      trainL1(net, xs, zs, this.options, rng);
      return net;
    });
  }

  predict(archs: readonly number[]): Prediction {
    if (this.members.length === 0) throw new Error('predict called before fit');
    const mean = new Float64Array(archs.length);
    const std = new Float64Array(archs.length);
    archs.forEach((arch, i) => {
      const x = this.encode(arch);
      const ys = this.members.map((m) => m.forward(x) * this.spread + this.shift);
      const mu = ys.reduce((s, y) => s + y, 0) / ys.length;
      mean[i] = mu;
      std[i] = Math.sqrt(ys.reduce((s, y) => s + (y - mu) ** 2, 0) / ys.length);
    });
    return { mean, std };
  }

  private network(rng: Rng): FlatNetwork<readonly number[]> {
    const { kind, hidden } = this.options;
    if (kind === 'gcn') return new Nb201Gcn(this.cells.ops.length + 2, hidden[0], rng);
    return new SparseInputMlp(this.baseInputs + (this.extra?.size ?? 0), hidden, rng);
  }
}
