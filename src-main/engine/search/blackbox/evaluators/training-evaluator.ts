import type { Genotype } from '../../../../../src-shared/model/genotype';
import type { Evaluation, Evaluator } from './evaluator';
import type { ResumableTrainingEvaluator } from './resumable-training';

/**
 * Short training from scratch (`nb201-train`, `darts-train`): every evaluation builds a fresh
 * network of the cell (initialized and fed batches from forks of the rng named by the cell, so a
 * cell's result does not depend on what was evaluated before it), trains it `epochs` with the
 * learning rate annealed by a cosine over the run's steps, and returns the accuracy (%) on the
 * held-out validation part. Costs are in epochs; there is no test figure. The training itself is
 * the resumable one's, run to the end in one go.
 */
export class TrainingEvaluator<A, G extends Genotype> implements Evaluator {
  readonly costUnit = 'epochs' as const;

  constructor(
    readonly name: string,
    private readonly trainings: ResumableTrainingEvaluator<A, G>,
  ) {}

  async evaluate(genotype: Genotype): Promise<Evaluation> {
    const { space, fromGenotype } = this.trainings.recipe;
    if (genotype.space !== space) throw new TypeError(`${this.name} trains ${space} cells, got a ${genotype.space} genotype`);
    // The space is checked: the genotype is the recipe's kind.
    const { metric } = await this.trainings.trainFully(fromGenotype(genotype as G));
    return { metric, cost: this.trainings.maxEpochs };
  }

  dispose(): void {
    this.trainings.dispose();
  }
}
