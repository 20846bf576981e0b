import type { EvaluationTraining } from '../../../src-shared/model/algorithms/evaluation';
import type { Genotype } from '../../../src-shared/model/genotype';
import type { Rng } from '../../../src-shared/model/rng';
import { DartsEvalNetwork } from './darts-eval-network';
import type { EvaluationNetwork, ImageInput } from './network';
import { Nb201EvalNetwork } from './nb201-eval-network';

/** `recompute` (DARTS cells only) changes the training step's memory, never the network or its results. */
export type NetworkSize = Pick<EvaluationTraining, 'channels' | 'layers' | 'network'> & { auxiliary: boolean; recompute?: boolean };

/** The evaluation network of a genotype: DARTS's NetworkCIFAR/NetworkImageNet, or NAS-Bench-201's for its cells. */
export function buildEvaluationNetwork(genotype: Genotype, input: ImageInput, size: NetworkSize, rng: Rng): EvaluationNetwork {
  if (genotype.space === 'nb201') {
    if (size.auxiliary || size.network !== 'cifar') throw new Error("NAS-Bench-201's network has no auxiliary head and no ImageNet stem");
    if (size.recompute) throw new Error("recompute (gradient checkpointing) is for DARTS cells: NAS-Bench-201's network does not offer it; turn recompute off");
    return new Nb201EvalNetwork(genotype, input, { channels: size.channels, cellsPerStage: size.layers }, rng);
  }
  return new DartsEvalNetwork(genotype, input, { channels: size.channels, layers: size.layers, auxiliary: size.auxiliary, variant: size.network, recompute: size.recompute }, rng);
}
