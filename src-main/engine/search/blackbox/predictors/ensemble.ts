import type { Rng } from '../../../../../src-shared/model/rng';
import type { ArchFeatures } from './features';
import { Gcn, type GcnInput, gcnInput } from './gcn';
import { SparseInputMlp } from './mlp';
import { type FlatNetwork, trainL1 } from './network';
import { type Prediction, type Predictor, standardise } from './predictor';

export interface PredictorOptions {
  /** `mlp` on the features' encoding, or `gcn` on the cell graphs (which ignores the encoding). */
  kind: 'mlp' | 'gcn';
  ensembleSize: number;
  /** Widths of the MLP's hidden layers; the GCN uses the first as its width. */
  hidden: number[];
  epochs: number;
  batchSize: number;
  learningRate: number;
}

type Input = readonly number[] | GcnInput;

/**
 * An ensemble of independently initialised and trained networks (BANANAS's uncertainty estimate:
 * the std over members, population form as numpy's). Targets are standardised for training and
 * predictions mapped back. Each `fit` trains new networks from scratch, as BANANAS does at each
 * iteration.
 */
export class EnsemblePredictor<A> implements Predictor<A> {
  readonly name: string;
  private members: FlatNetwork<Input>[] = [];
  private shift = 0;
  private spread = 1;

  constructor(
    private readonly features: ArchFeatures<A>,
    private readonly options: PredictorOptions,
  ) {
    if (options.ensembleSize < 1) throw new RangeError(`ensembleSize must be at least 1, got ${options.ensembleSize}`);
    this.name = options.kind === 'gcn' ? 'gcn' : `mlp-${features.encoding}`;
  }

  encode(arch: A): Input {
    return this.options.kind === 'gcn' ? gcnInput(this.features.graphs(arch)) : this.features.ones(arch);
  }

  fit(archs: readonly A[], ys: readonly number[], rng: Rng): void {
    if (archs.length !== ys.length) throw new RangeError(`fit needs as many targets as cells (got ${archs.length} and ${ys.length})`);
    const { zs, shift, spread } = standardise(ys);
    this.shift = shift;
    this.spread = spread;
    const xs = archs.map((a) => this.encode(a));
    this.members = Array.from({ length: this.options.ensembleSize }, () => {
      const net = this.network(rng);
      trainL1(net, xs, zs, this.options, rng);
      return net;
    });
  }

  predict(archs: readonly A[]): Prediction {
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

  dispose(): void {}

  private network(rng: Rng): FlatNetwork<Input> {
    const { kind, hidden } = this.options;
    if (kind === 'gcn') return new Gcn(this.features.nodeTypes, hidden[0], rng) as FlatNetwork<Input>;
    return new SparseInputMlp(this.features.length, hidden, rng) as FlatNetwork<Input>;
  }
}
