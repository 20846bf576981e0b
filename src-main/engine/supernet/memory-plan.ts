import * as tf from '@tensorflow/tfjs';
import type { DartsSpace } from '../../../src-shared/model/space';
import { Rng } from '../../../src-shared/model/rng';
import { measureStepBytes, type BackendMemory } from '../backend/memory';
import { planTrainingMemory, type MemoryPlan } from '../backend/plan-memory';
import { crossEntropy } from '../evaluate/classification';
import { softmaxWeights } from './arch-params';
import { DartsSupernet, dartsPlanUsesNoise, type NetworkShape, type SupernetOptions } from './darts-network';
import { planDartsSpace } from '../spaces/darts-cells';

type Recompute = NonNullable<SupernetOptions['recompute']>;

/** Per cell first (fewer, larger checkpoints), then per edge (one edge's activations at a time). */
const RECOMPUTE_MODES: readonly Recompute[] = ['cells', 'edges'];

export interface ImageInput extends NetworkShape {
  height: number;
  width: number;
}

/**
 * Measures the DARTS supernet's weight step at two small batch sizes (a throw-away network of the
 * same space, seeded by `probeSeed`) and plans the run's batch: plain, recomputation per cell or
 * per edge, or an Error saying what to lower. SGD with momentum: one optimizer slot per weight.
 */
export async function planDartsMemory(
  space: DartsSpace,
  input: ImageInput,
  batchSize: number,
  probeSeed: number,
  memory?: BackendMemory,
  network: Omit<SupernetOptions, 'recompute'> = {},
): Promise<MemoryPlan<Recompute>> {
  const measure = async (batch: number, recompute: Recompute | null) => {
    const net = new DartsSupernet(space, input, new Rng(probeSeed), recompute ? { ...network, recompute } : network);
    const x = tf.zeros([batch, input.height, input.width, input.inChannels]) as tf.Tensor4D;
    const y = tf.zeros([batch], 'int32') as tf.Tensor1D;
    try {
      return await measureStepBytes(batch, () => {
        const { value, grads } = tf.variableGrads(() => crossEntropy(net.forward(x, softmaxWeights(net.arch)), y), net.params.list());
        tf.dispose([value, ...Object.values(grads)]);
      });
    } finally {
      tf.dispose([x, y]);
      net.dispose();
    }
  };
  const parameterCount = (() => {
    const net = new DartsSupernet(space, input, new Rng(probeSeed), network);
    const count = net.params.count();
    net.dispose();
    return count;
  })();
  return planTrainingMemory({ parameterCount, optimizerSlots: 1, batchSize, measure, modes: dartsPlanUsesNoise(planDartsSpace(space)) ? [] : RECOMPUTE_MODES, memory });
}
