import type { Nb201Cells } from './spaces/nb201-cells';

export interface LandscapeSummary {
  /** Cells no one-edge neighbour of which is strictly better. */
  localOptima: number;
  /** Share of all cells whose descent ends at a global optimum (a cell of the highest value). */
  globalReachShare: number;
  /** Mean number of moves of a descent, over descents from every cell. */
  meanIterations: number;
  /** Highest value in the table, and the cells that have it. */
  globalBest: number;
  globalOptima: number[];
}

/**
 * The landscape statistics of White, Nolen and Savani (UAI 2021) under the one-edge neighbourhood.
 * A descent ("hill climb" on accuracy) is best-improvement steepest ascent: from the current cell,
 * take the neighbour of highest value, the lowest index among equals; move there if its value is
 * strictly higher, else stop. Each move is one iteration.
 */
export function analyseLandscape(cells: Nb201Cells, values: Float64Array): LandscapeSummary {
  if (values.length !== cells.size) throw new RangeError(`a landscape needs one value per cell: ${values.length} values for ${cells.size} cells`);
  const next = new Int32Array(cells.size);
  let localOptima = 0;
  let globalBest = -Infinity;
  for (let c = 0; c < cells.size; c++) {
    let best = c;
    for (const n of cells.neighbours(c)) if (values[n] > values[best]) best = n;
    next[c] = best;
    if (best === c) localOptima++;
    globalBest = Math.max(globalBest, values[c]);
  }
  const globalOptima: number[] = [];
  values.forEach((v, c) => v === globalBest && globalOptima.push(c));
  let reached = 0;
  let moves = 0;
  for (let c = 0; c < cells.size; c++) {
    let at = c;
    while (next[at] !== at) {
      at = next[at];
      moves++;
    }
    if (values[at] === globalBest) reached++;
  }
  return { localOptima, globalReachShare: reached / cells.size, meanIterations: moves / cells.size, globalBest, globalOptima };
}
