import { join } from 'node:path';
import type { EvaluationPreset, EvaluationTraining } from '../../../src-shared/model/algorithms/evaluation';
import type { DatasetConfig } from '../../../src-shared/model/dataset';
import type { Genotype } from '../../../src-shared/model/genotype';
import { formatGenotypeJson } from '../../../src-shared/model/genotype-codec';
import { writeFileAtomic } from '../checkpoint/atomic-write';
import { sha256 } from '../checkpoint/file';
import type { Normalization } from '../data/types';
import { DartsEvalNetwork } from './darts-eval-network';
import { dartsWeightKeys, stateDictOf, type KeyedWeight } from './darts-state-dict';
import type { EvaluationNetwork, ImageInput } from './network';
import { writeSafetensors } from './safetensors';

/** The trained network's file in the run's folder (beside its checkpoints). */
export const WEIGHTS_FILE_NAME = 'weights.safetensors';
/** `__metadata__.format` of a trained-network file; the loader refuses any other. */
export const WEIGHTS_FORMAT = 'nas-workbench-evaluation-weights/1';

/** How the tensors are named: DARTS's state_dict keys, or the NAS-Bench-201 network's own weight names. */
export type WeightNames = 'darts-NetworkCIFAR' | 'darts-NetworkImageNet' | 'nas-workbench-nb201';

/** What rebuilds the network and says how its inputs were prepared: the file's metadata `evaluation`. */
export interface TrainedNetworkInfo {
  preset: EvaluationPreset;
  seed: number;
  /** The resolved recipe (preset with the run's overrides). */
  training: EvaluationTraining;
  dataset: DatasetConfig;
  input: ImageInput;
  /** Inputs are (pixel / 255 − mean) / std per channel, NHWC, as in training. */
  normalization: Normalization;
  /** Training steps (batches) done. */
  steps: number;
}

/** The artifact `evaluation.weights` an evaluation run reports. */
export interface WeightsArtifact {
  file: string;
  bytes: number;
  sha256: string;
  format: 'safetensors';
  /** Number of tensors in the file. */
  names: number;
}

/**
 * Every weight and buffer with the key it is saved under. DARTS cells: NetworkCIFAR's (or
 * NetworkImageNet's) state_dict keys. NAS-Bench-201 cells: our own weight names (`stem.conv`,
 * `cells.<i>.layers.<edge>.conv`, `cells.<i>.conv_a.bn.weight`, `cells.<i>.downsample`,
 * `lastact.bn.running_var`, `classifier.weight`, ...). Both in PyTorch's layouts.
 */
export function keyedWeights(net: EvaluationNetwork): KeyedWeight[] {
  if (net instanceof DartsEvalNetwork) return dartsWeightKeys(net);
  return [net.params, net.auxParams, net.buffers].flatMap((store) =>
    store.names().map((name) => {
      const parts = name.split('.');
      return { store, name, key: name, leaf: parts[parts.length - 1] };
    }),
  );
}

export function weightNamesOf(net: EvaluationNetwork): WeightNames {
  if (!(net instanceof DartsEvalNetwork)) return 'nas-workbench-nb201';
  return net.shape.variant === 'imagenet' ? 'darts-NetworkImageNet' : 'darts-NetworkCIFAR';
}

/**
 * Saves a trained network as `<dir>/weights.safetensors`: the weights, the auxiliary head's and the
 * BN running statistics (each BN's num_batches_tracked = `info.steps`) under `keyedWeights`' keys,
 * with metadata `format`, `names` (WeightNames), `genotype` (canonical JSON) and `evaluation`
 * (TrainedNetworkInfo as JSON), enough for loadTrainedNetwork to rebuild it.
 */
export function saveTrainedNetwork(dir: string, net: EvaluationNetwork, genotype: Genotype, info: TrainedNetworkInfo): WeightsArtifact {
  const tensors = stateDictOf(keyedWeights(net), info.steps);
  const bytes = writeSafetensors(tensors, {
    format: WEIGHTS_FORMAT,
    names: weightNamesOf(net),
    genotype: formatGenotypeJson(genotype),
    evaluation: JSON.stringify(info),
  });
  const file = join(dir, WEIGHTS_FILE_NAME);
  writeFileAtomic(file, bytes);
  return { file, bytes: bytes.length, sha256: sha256(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)), format: 'safetensors', names: tensors.length };
}
