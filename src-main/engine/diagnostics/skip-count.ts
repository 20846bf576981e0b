import type { DartsGenotype } from '../../../src-shared/model/genotype';

/**
 * Skip connections in each cell of a DARTS genotype. Many of them in the normal cell is the mark of
 * DARTS's collapse (RobustDARTS, Zela et al. ICLR 2020; P-DARTS, Chen et al. ICCV 2019, which caps
 * the normal cell at two).
 */
export function countSkipConnections(g: DartsGenotype): { normal: number; reduce: number } {
  const count = (pairs: [string, number][]): number => pairs.filter(([op]) => op === 'skip_connect').length;
  return { normal: count(g.normal), reduce: count(g.reduce) };
}
