import * as tf from '@tensorflow/tfjs';
import type { DartsSupernetEvaluatorConfig } from '../../../../../src-shared/model/algorithms/blackbox';
import type { DartsGenotype } from '../../../../../src-shared/model/genotype';
import type { Rng } from '../../../../../src-shared/model/rng';
import { planDartsSpace } from '../../../spaces/darts-cells';
import { DartsSupernet } from '../../../supernet/darts-network';
import type { CellWeights } from '../../../supernet/types';
import type { Reporter } from '../../strategy';
import { DARTS_CELL_KINDS, type DartsCellPair, type DartsCells } from '../spaces/darts-cells';
import { loadTrainingData, type TrainingData } from './nb201-training';
import type { CellNetworkRecipe } from './resumable';
import { trainSharedSupernet, type SharedNetworkCells, type SupernetEvaluator } from './supernet-evaluator';

/**
 * One-hot edge weights with `activeOp` that make DARTS's search network compute exactly the pair:
 * a chosen edge its op, an unused edge `none` (or, where the edge offers no `none`, weight 0 on its
 * first op, which the node sum then ignores). The caller disposes the tensors.
 */
export function dartsCellWeights(space: unknown, pair: DartsCellPair): CellWeights {
  const plan = planDartsSpace(space);
  const out: CellWeights = {};
  for (const kind of DARTS_CELL_KINDS) {
    const used = new Map(pair[kind].map(([op, from], slot) => [`${Math.floor(slot / 2)}:${from}`, op]));
    const activeOp: number[] = [];
    const rows = plan.edges[kind].map(({ node, input, ops }) => {
      const op = used.get(`${node}:${input}`) ?? 'none';
      const k = (ops as readonly string[]).indexOf(op);
      activeOp.push(Math.max(k, 0));
      return ops.map((_, j) => (j === k ? 1 : 0));
    });
    out[kind] = { weights: tf.tensor2d(rows, [rows.length, rows[0].length], 'float32'), activeOp };
  }
  return out;
}

function buildNetwork(space: unknown, data: TrainingData, rng: Rng): DartsSupernet {
  const [, , inChannels] = data.data.shape;
  return new DartsSupernet(space, { inChannels, numClasses: data.data.classes }, rng);
}

/** DARTS cell pairs as networks: DARTS's search network with one-hot edge weights (`dartsCellWeights`). */
export function dartsCellRecipe(cells: DartsCells, space: unknown, data: TrainingData): CellNetworkRecipe<DartsCellPair, DartsGenotype> {
  return {
    space: 'darts',
    fromGenotype: (genotype) => cells.fromGenotype(genotype),
    key: (pair) => cells.key(pair),
    build: (pair, rng) => ({ net: buildNetwork(space, data, rng), weights: dartsCellWeights(space, pair) }),
  };
}

/** Trains DARTS's search network with one uniformly sampled cell pair per step (RSWS), then answers the evaluator over it. */
export async function createDartsSupernetEvaluator(
  config: DartsSupernetEvaluatorConfig,
  resourcesDir: string,
  cells: DartsCells,
  rng: Rng,
  reporter: Reporter,
): Promise<SupernetEvaluator<DartsCellPair, DartsGenotype>> {
  const data = await loadTrainingData(config, resourcesDir, rng.fork('data'));
  const net = buildNetwork(config.space, data, rng.fork('network'));
  const shared: SharedNetworkCells<DartsCellPair, DartsGenotype> = {
    space: 'darts',
    cells,
    fromGenotype: (genotype) => cells.fromGenotype(genotype),
    weights: (pair) => dartsCellWeights(config.space, pair),
  };
  return trainSharedSupernet(`darts-supernet:${data.data.name}:${config.supernetEpochs}ep`, shared, net, config, data, rng, reporter);
}
