import { bestSubSupernet } from '../../src-shared/model/algorithms/fewshot';
import type { SeriesData } from './series-buffer';

/** One sub-supernet of a few-shot run as its metrics tell it: the last validation figures. */
export interface FewshotBar {
  op: string;
  validAcc: number;
  validLoss: number;
  /** The step of its last validation: the order the sub-supernets ran in. */
  step: number;
  best: boolean;
}

const KEY = /^fewshot\.(.+)\.valid\.acc$/;

/**
 * The sub-supernets of a few-shot run from its `fewshot.<op>.valid.acc|loss` series, in the order
 * they ran, the one whose cell answers (or will, if the run ends here) marked by the engine's rule.
 */
export function fewshotBars(series: Record<string, SeriesData>): FewshotBar[] {
  const bars: FewshotBar[] = [];
  for (const [key, s] of Object.entries(series)) {
    const op = KEY.exec(key)?.[1];
    if (!op || s.values.length === 0) continue;
    const loss = series[`fewshot.${op}.valid.loss`];
    bars.push({ op, validAcc: s.values[s.values.length - 1], validLoss: loss?.values.at(-1) ?? Number.NaN, step: s.steps[s.steps.length - 1], best: false });
  }
  bars.sort((a, b) => a.step - b.step);
  const best = bestSubSupernet(bars);
  if (best) best.best = true;
  return bars;
}
