import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../../../../src-shared/model/rng';
import type { CellGraph } from '../spaces/cell-space';
import { ARCH2VEC_DEFAULTS, GraphAutoencoder, type GraphAutoencoderOptions } from './arch2vec';
import { BayesianLinear } from './bayes-linear';
import type { ArchFeatures } from './features';
import { type Prediction, type Predictor, standardise } from './predictor';

export interface Arch2vecPredictorOptions {
  /** `frozen`: the (pre)trained encoder as it is; `finetune`: encoder and a linear head trained on the labels first. */
  mode: 'frozen' | 'finetune';
  /** false: the encoder keeps its random initial weights (the "without pretraining" arm). */
  pretrained: boolean;
  /** Cells sampled from the space (no labels) for pretraining. */
  pretrainCells: number;
  pretrainEpochs: number;
  finetuneEpochs: number;
  autoencoder: GraphAutoencoderOptions;
}

export const ARCH2VEC_PREDICTOR_DEFAULTS: Omit<Arch2vecPredictorOptions, 'mode' | 'pretrained'> = {
  pretrainCells: 2000,
  pretrainEpochs: 8,
  finetuneEpochs: 30,
  autoencoder: ARCH2VEC_DEFAULTS,
};

/**
 * A predictor on arch2vec's embedding: the graph autoencoder is pretrained once (at the first fit,
 * from `rng.fork('arch2vec')`) on cells sampled from the space, then each fit starts from those
 * weights, optionally fine-tunes the encoder with a linear head on the MSE of the standardised
 * metrics, and fits a Bayesian linear head (evidence maximisation) on the embeddings, which gives
 * the mean and the uncertainty.
 */
export class Arch2vecPredictor<A> implements Predictor<A> {
  readonly name: string;
  /** Mean loss of each pretraining epoch (empty without pretraining). */
  pretrainLosses: number[] = [];
  private ae: GraphAutoencoder | null = null;
  private initial: Float32Array[] = [];
  private readonly head = new BayesianLinear();
  private shift = 0;
  private spread = 1;

  constructor(
    private readonly features: ArchFeatures<A>,
    private readonly options: Arch2vecPredictorOptions,
  ) {
    this.name = `arch2vec-${options.mode}${options.pretrained ? '' : ' (no pretraining)'}`;
  }

  /** Builds (and pretrains) the autoencoder; `fit` does it at its first call. */
  prepare(rng: Rng): void {
    if (this.ae !== null) return;
    const { features, options } = this;
    this.ae = new GraphAutoencoder(features.nodeTypes, features.graphNodes, options.autoencoder, rng.fork('init'));
    if (options.pretrained) {
      const sampler = rng.fork('cells');
      const graphs = Array.from({ length: options.pretrainCells }, () => features.graphs(features.cells.sample(sampler))).flat();
      this.pretrainLosses = this.ae.pretrain(graphs, options.pretrainEpochs, rng.fork('pretrain'));
    }
    this.initial = this.ae.snapshot();
  }

  fit(archs: readonly A[], ys: readonly number[], rng: Rng): void {
    if (archs.length !== ys.length) throw new RangeError(`fit needs as many targets as cells (got ${archs.length} and ${ys.length})`);
    this.prepare(rng.fork('arch2vec'));
    const ae = this.ae as GraphAutoencoder;
    ae.restore(this.initial);
    const { zs, shift, spread } = standardise(ys);
    this.shift = shift;
    this.spread = spread;
    const graphs = archs.map((a) => this.features.graphs(a));
    if (this.options.mode === 'finetune') this.finetune(ae, graphs, zs, rng);
    this.head.fit(ae.embed(graphs), zs);
  }

  predict(archs: readonly A[]): Prediction {
    if (this.ae === null) throw new Error('predict called before fit');
    const embeddings = this.ae.embed(archs.map((a) => this.features.graphs(a)));
    const mean = new Float64Array(archs.length);
    const std = new Float64Array(archs.length);
    embeddings.forEach((e, i) => {
      const p = this.head.predict(e);
      mean[i] = p.mean * this.spread + this.shift;
      std[i] = p.std * this.spread;
    });
    return { mean, std };
  }

  dispose(): void {
    this.ae?.dispose();
    this.ae = null;
  }

  /** Encoder + linear head on the pooled codes, Adam on the MSE of the standardised metrics. */
  private finetune(ae: GraphAutoencoder, graphs: readonly (readonly CellGraph[])[], zs: readonly number[], rng: Rng): void {
    const width = this.features.graphCount * ae.options.latent;
    const [w, b] = tf.tidy(() => [tf.variable(tf.zeros([width, 1])), tf.variable(tf.zeros([1]))]);
    const optimizer = tf.train.adam(ae.options.learningRate * 3);
    try {
      const order = graphs.map((_, i) => i);
      for (let epoch = 0; epoch < this.options.finetuneEpochs; epoch++) {
        rng.shuffle(order);
        for (let start = 0; start < order.length; start += ae.options.batchSize) {
          const picked = order.slice(start, start + ae.options.batchSize);
          tf.tidy(() => {
            const target = tf.tensor2d(picked.map((i) => zs[i]), [picked.length, 1]);
            optimizer.minimize(
              () => {
                const pooled = ae.pooled(picked.flatMap((i) => graphs[i])).reshape([picked.length, width]) as tf.Tensor2D;
                return tf.losses.meanSquaredError(target, tf.add(tf.matMul(pooled, w as tf.Tensor2D), b));
              },
              false,
              [...ae.encoderVariables, w, b],
            );
          });
        }
      }
    } finally {
      optimizer.dispose();
      w.dispose();
      b.dispose();
    }
  }
}
