import type { HeatmapData } from './alphas';

/** How the α heatmap colours its cells: softmax(α) on 0–1, or stretched to each edge's or the whole epoch's min–max. */
export type HeatmapScale = 'absolute' | 'edge' | 'epoch';

/**
 * The cells with a fourth value, the one the colour reads: softmax(α) itself (`absolute`), or its
 * place between the smallest and largest value of its edge (`edge`) or of the whole cell at this
 * epoch (`epoch`), 0 at the minimum and 1 at the maximum, so 0.11 and 0.15 look different. A range
 * whose values are all equal gets 0.5 throughout (no order to show).
 */
export function scaledCells(data: HeatmapData, scale: HeatmapScale): [number, number, number, number][] {
  if (scale === 'absolute') return data.cells.map(([x, y, v]) => [x, y, v, v]);
  const group = (y: number): number => (scale === 'edge' ? y : 0);
  const range = new Map<number, { min: number; max: number }>();
  for (const [, row, v] of data.cells) {
    const y = group(row);
    const r = range.get(y);
    if (!r) range.set(y, { min: v, max: v });
    else {
      r.min = Math.min(r.min, v);
      r.max = Math.max(r.max, v);
    }
  }
  return data.cells.map(([x, y, v]) => {
    const { min, max } = range.get(group(y))!;
    return [x, y, v, max > min ? (v - min) / (max - min) : 0.5];
  });
}
