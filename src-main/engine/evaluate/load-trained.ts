import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { Genotype } from '../../../src-shared/model/genotype';
import { parseGenotype } from '../../../src-shared/model/genotype-codec';
import { Rng } from '../../../src-shared/model/rng';
import { buildEvaluationNetwork } from './build';
import { fromPytorchLayout } from './darts-state-dict';
import type { EvaluationNetwork } from './network';
import { readSafetensors, type SafeTensor } from './safetensors';
import { keyedWeights, weightNamesOf, WEIGHTS_FORMAT, type TrainedNetworkInfo } from './trained-weights';

/** A trained evaluation network read back from its weights file, in evaluation mode. */
export interface TrainedNetwork {
  readonly network: EvaluationNetwork;
  readonly genotype: Genotype;
  readonly info: TrainedNetworkInfo;
  /** Logits of normalized NHWC images (info.normalization), in evaluation mode (running statistics, no drop-path, no auxiliary head). */
  logits(x: tf.Tensor4D): tf.Tensor2D;
  /** The predicted class of each normalized NHWC image. */
  predict(x: tf.Tensor4D): Promise<Int32Array>;
  dispose(): void;
}

function metadataJson<T>(metadata: Record<string, string>, key: string, file: string): T {
  const text = metadata[key];
  if (text === undefined) throw new Error(`${file} has no '${key}' in its metadata: it was not written by an evaluation run`);
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new Error(`${file}: metadata '${key}' is not JSON (${(err as Error).message})`, { cause: err });
  }
}

/**
 * Rebuilds the network a weights file (saveTrainedNetwork) was written from: the genotype and the
 * recipe's size from its metadata, then every weight, auxiliary weight and running statistic from
 * its tensors (PyTorch layouts turned back into ours). Refuses, naming the tensor, a file whose
 * tensors do not match the network its metadata describes (missing, extra, other shape).
 */
export function loadTrainedNetwork(file: string): TrainedNetwork {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new Error(`cannot read the weights file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  const { tensors, metadata } = readSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  if (metadata.format !== WEIGHTS_FORMAT) throw new Error(`${file} has format '${metadata.format ?? 'none'}'; this loader reads '${WEIGHTS_FORMAT}'`);
  const genotype = parseGenotype(metadata.genotype ?? '');
  const info = metadataJson<TrainedNetworkInfo>(metadata, 'evaluation', file);
  const { training } = info;
  const network = buildEvaluationNetwork(
    genotype,
    info.input,
    { channels: training.channels, layers: training.layers, network: training.network, auxiliary: training.auxiliaryWeight > 0 },
    new Rng(info.seed),
  );
  try {
    if (metadata.names !== weightNamesOf(network)) throw new Error(`${file} names its tensors '${metadata.names}', the network of its genotype uses '${weightNamesOf(network)}'`);
    const byKey = new Map<string, SafeTensor>(tensors.map((t) => [t.name, t]));
    for (const { store, name, leaf, key } of keyedWeights(network)) {
      const t = byKey.get(key);
      if (!t || t.dtype !== 'F32') throw new Error(`${file} has no float tensor '${key}' for the network's weight '${name}'`);
      byKey.delete(key);
      const ours = fromPytorchLayout(leaf, t.data as Float32Array, t.shape);
      const variable = store.get(name);
      if (ours.shape.join() !== variable.shape.join()) {
        throw new Error(`${file}: tensor '${key}' has shape [${t.shape}], the network built from its metadata needs [${variable.shape}] (in our layout)`);
      }
      tf.tidy(() => variable.assign(tf.tensor(ours.data, ours.shape, 'float32')));
      const tracked = key.replace(/running_var$/, 'num_batches_tracked');
      if (tracked !== key) byKey.delete(tracked);
    }
    const extra = [...byKey.keys()];
    if (extra.length > 0) throw new Error(`${file} has ${extra.length} tensor(s) the network of its metadata does not have: ${extra.slice(0, 5).join(', ')}`);
  } catch (err) {
    network.dispose();
    throw err;
  }
  const logits = (x: tf.Tensor4D): tf.Tensor2D => tf.tidy(() => network.forward(x, { training: false, dropPathProb: 0 }).logits);
  return {
    network,
    genotype,
    info,
    logits,
    async predict(x) {
      const classes = tf.tidy(() => tf.argMax(logits(x), 1));
      try {
        return (await classes.data()) as Int32Array;
      } finally {
        classes.dispose();
      }
    },
    dispose: () => network.dispose(),
  };
}
