import type { Genotype } from '../../../../../src-shared/model/genotype';
import type { Nb201Cells } from '../spaces/nb201-cells';
import type { Evaluation, Evaluator } from './evaluator';

/** Validation and test accuracy of every cell of a space, indexed by cell index. */
export interface LookupTable {
  cells: Nb201Cells;
  val: Float64Array;
  test: Float64Array;
}

/**
 * Evaluation by table lookup (NAS-Bench-201): the metric is the validation accuracy, the test
 * accuracy rides along for reporting, and each lookup costs one query.
 */
export class TabularEvaluator implements Evaluator {
  readonly costUnit = 'queries' as const;

  constructor(
    readonly name: string,
    private readonly table: LookupTable,
  ) {
    const { size } = table.cells;
    if (table.val.length !== size || table.test.length !== size) {
      throw new RangeError(`${name}: the table has ${table.val.length} / ${table.test.length} rows for a space of ${size} cells`);
    }
  }

  async evaluate(genotype: Genotype): Promise<Evaluation> {
    if (genotype.space !== 'nb201') throw new TypeError(`${this.name} looks up NB201 cells, got a ${genotype.space} genotype`);
    const i = this.table.cells.fromArchString(genotype.arch);
    return { metric: this.table.val[i], test: this.table.test[i], cost: 1 };
  }

  dispose(): void {}
}
