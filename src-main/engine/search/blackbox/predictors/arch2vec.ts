import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../../../../src-shared/model/rng';
import type { CellGraph } from '../spaces/cell-space';

export interface GraphAutoencoderOptions {
  /** Width of the two graph-convolution layers. */
  hidden: number;
  /** Dimension of each node's latent code; a cell's embedding is their mean. */
  latent: number;
  batchSize: number;
  learningRate: number;
  /** Weight of the KL term (arch2vec's VAE prior), per node. */
  klWeight: number;
}

/** arch2vec's settings where ours follow them (Yan et al., NeurIPS 2020: latent 16, lr 1e-3, batch 32). */
export const ARCH2VEC_DEFAULTS: GraphAutoencoderOptions = { hidden: 32, latent: 16, batchSize: 32, learningRate: 1e-3, klWeight: 0.005 };

type Weights = Record<'w1' | 'b1' | 'w2' | 'b2' | 'wMu' | 'wLv' | 'wOp' | 'bOp', tf.Variable>;

/** One batch of graphs as tensors: one-hot types [B,N,T], normalised adjacency [B,N,N], target edges [B,N,N]. */
interface GraphBatch {
  x: tf.Tensor3D;
  norm: tf.Tensor3D;
  edges: tf.Tensor3D;
}

/**
 * arch2vec's unsupervised graph autoencoder (Yan et al., "Does Unsupervised Architecture
 * Representation Learning Help Neural Architecture Search?", NeurIPS 2020), smaller: a two-layer GCN
 * encoder (theirs is a 5-layer GIN) maps every node to a Gaussian latent code (mean, log-variance);
 * the decoder reconstructs each node's type (softmax of a linear map) and the edges (sigmoid of the
 * inner products of the codes; Aᵀ + A off the diagonal, as the nodes' order gives the direction). Loss
 * = type cross-entropy + edge binary cross-entropy + klWeight · KL, trained by Adam. Labels are never
 * seen: the cells are sampled from the space. TensorFlow.js for the gradients; every tensor is made
 * and freed inside tidy, the weights are the only tensors it keeps (`dispose`).
 */
export class GraphAutoencoder {
  private readonly weights: Weights;

  constructor(
    readonly nodeTypes: number,
    readonly nodes: number,
    readonly options: GraphAutoencoderOptions,
    rng: Rng,
  ) {
    const { hidden: h, latent: z } = options;
    const glorot = (rows: number, cols: number, name: string): tf.Variable => {
      const limit = Math.sqrt(6 / (rows + cols));
      const values = Float32Array.from({ length: rows * cols }, () => (2 * rng.next() - 1) * limit);
      return tf.tidy(() => tf.variable(tf.tensor2d(values, [rows, cols]), true, name));
    };
    const zeros = (n: number, name: string): tf.Variable => tf.tidy(() => tf.variable(tf.zeros([n]), true, name));
    this.weights = {
      w1: glorot(nodeTypes, h, 'w1'),
      b1: zeros(h, 'b1'),
      w2: glorot(h, h, 'w2'),
      b2: zeros(h, 'b2'),
      wMu: glorot(h, z, 'wMu'),
      wLv: glorot(h, z, 'wLv'),
      wOp: glorot(z, nodeTypes, 'wOp'),
      bOp: zeros(nodeTypes, 'bOp'),
    };
  }

  /** The encoder's weights (what a regression head fine-tunes). */
  get encoderVariables(): tf.Variable[] {
    const { w1, b1, w2, b2, wMu } = this.weights;
    return [w1, b1, w2, b2, wMu];
  }

  /** A copy of every weight, to restore after fine-tuning. */
  snapshot(): Float32Array[] {
    return Object.values(this.weights).map((v) => v.dataSync().slice() as Float32Array);
  }

  restore(values: readonly Float32Array[]): void {
    tf.tidy(() => Object.values(this.weights).forEach((v, i) => v.assign(tf.tensor(values[i], v.shape))));
  }

  /**
   * Trains on `graphs` (unlabelled) for `epochs` epochs of shuffled mini-batches; answers the mean
   * loss of each epoch.
   */
  pretrain(graphs: readonly CellGraph[], epochs: number, rng: Rng): number[] {
    const optimizer = tf.train.adam(this.options.learningRate);
    const losses: number[] = [];
    try {
      const order = graphs.map((_, i) => i);
      for (let epoch = 0; epoch < epochs; epoch++) {
        rng.shuffle(order);
        let total = 0;
        for (let start = 0; start < order.length; start += this.options.batchSize) {
          const picked = order.slice(start, start + this.options.batchSize).map((i) => graphs[i]);
          const noise = Float32Array.from({ length: picked.length * this.nodes * this.options.latent }, () => rng.normal());
          const cost = tf.tidy(() => {
            const batch = this.batch(picked);
            const eps = tf.tensor3d(noise, [picked.length, this.nodes, this.options.latent]);
            return optimizer.minimize(() => this.loss(batch, eps), true) as tf.Scalar;
          });
          total += cost.dataSync()[0] * picked.length;
          cost.dispose();
        }
        losses.push(total / graphs.length);
      }
    } finally {
      optimizer.dispose();
    }
    return losses;
  }

  /** The reconstruction loss (types + edges + KL) of `graphs` with the codes' means (no sampling). */
  reconstructionLoss(graphs: readonly CellGraph[]): number {
    const loss = tf.tidy(() => this.loss(this.batch(graphs), null));
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  }

  /** Per node the latent mean, pooled over nodes: [B, latent] for a batch (inside a tidy). */
  pooled(graphs: readonly CellGraph[]): tf.Tensor2D {
    const { mu } = this.encode(this.batch(graphs));
    return mu.mean(1) as tf.Tensor2D;
  }

  /** Each cell's embedding: the pooled latent means of its graphs, concatenated. */
  embed(cells: readonly (readonly CellGraph[])[]): Float32Array[] {
    if (cells.length === 0) return [];
    const per = cells[0].length;
    const flat = tf.tidy(() => this.pooled(cells.flat()));
    const values = flat.dataSync();
    flat.dispose();
    const width = per * this.options.latent;
    return cells.map((_, i) => values.slice(i * width, (i + 1) * width) as Float32Array);
  }

  dispose(): void {
    for (const v of Object.values(this.weights)) v.dispose();
  }

  private batch(graphs: readonly CellGraph[]): GraphBatch {
    const n = this.nodes;
    const t = this.nodeTypes;
    const x = new Float32Array(graphs.length * n * t);
    const norm = new Float32Array(graphs.length * n * n);
    const edges = new Float32Array(graphs.length * n * n);
    graphs.forEach((g, b) => {
      if (g.types.length !== n) throw new RangeError(`this autoencoder reads graphs of ${n} nodes, got ${g.types.length}`);
      g.types.forEach((type, i) => (x[(b * n + i) * t + type] = 1));
      const degree = new Float64Array(n).fill(1);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          if (g.adj[i * n + j] === 0) continue;
          edges[b * n * n + i * n + j] = edges[b * n * n + j * n + i] = 1;
          degree[i]++;
          degree[j]++;
        }
      }
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const linked = i === j || edges[b * n * n + i * n + j] === 1;
          if (linked) norm[b * n * n + i * n + j] = 1 / Math.sqrt(degree[i] * degree[j]);
        }
      }
    });
    const b = graphs.length;
    return { x: tf.tensor3d(x, [b, n, t]), norm: tf.tensor3d(norm, [b, n, n]), edges: tf.tensor3d(edges, [b, n, n]) };
  }

  private encode(batch: GraphBatch): { mu: tf.Tensor3D; logVar: tf.Tensor3D } {
    const w = this.weights;
    const layer = (h: tf.Tensor3D, weight: tf.Variable, bias: tf.Variable): tf.Tensor3D => {
      const [b, n, c] = h.shape;
      const mixed = tf.matMul(batch.norm, h).reshape([b * n, c]);
      return tf.relu(tf.add(tf.matMul(mixed, weight as tf.Tensor2D), bias)).reshape([b, n, -1]) as tf.Tensor3D;
    };
    const h2 = layer(layer(batch.x, w.w1, w.b1), w.w2, w.b2);
    const [b, n, c] = h2.shape;
    const flat = h2.reshape([b * n, c]) as tf.Tensor2D;
    return {
      mu: tf.matMul(flat, w.wMu as tf.Tensor2D).reshape([b, n, -1]) as tf.Tensor3D,
      logVar: tf.matMul(flat, w.wLv as tf.Tensor2D).reshape([b, n, -1]) as tf.Tensor3D,
    };
  }

  /** Loss of a batch; `eps` (standard normal, [B,N,latent]) samples the codes, null uses their means. */
  private loss(batch: GraphBatch, eps: tf.Tensor3D | null): tf.Scalar {
    const { mu, logVar } = this.encode(batch);
    const z = eps === null ? mu : tf.add(mu, tf.mul(eps, tf.exp(tf.mul(logVar, 0.5))));
    const [b, n, l] = z.shape;
    const logits = tf.add(tf.matMul(z.reshape([b * n, l]) as tf.Tensor2D, this.weights.wOp as tf.Tensor2D), this.weights.bOp);
    const typeLoss = tf.losses.softmaxCrossEntropy(batch.x.reshape([b * n, this.nodeTypes]), logits);
    const edgeLogits = tf.matMul(z, z, false, true);
    const offDiagonal = tf.sub(1, tf.eye(n).expandDims(0).tile([b, 1, 1]));
    const edgeLoss = tf.div(tf.sum(tf.mul(tf.losses.sigmoidCrossEntropy(batch.edges, edgeLogits, undefined, 0, tf.Reduction.NONE), offDiagonal)), b * n * (n - 1));
    const kl = tf.mul(-0.5, tf.mean(tf.sum(tf.sub(tf.add(1, logVar), tf.add(tf.square(mu), tf.exp(logVar))), 2)));
    return tf.addN([typeLoss, edgeLoss, tf.mul(kl, this.options.klWeight)]) as tf.Scalar;
  }
}
