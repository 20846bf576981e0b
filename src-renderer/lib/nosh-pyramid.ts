import { z } from 'zod';
import type { ArtifactRecord } from '../../src-shared/model/records';

/** One `nosh.level` artifact: a cell reached a level of NOSH's pyramid (src-main/engine/search/blackbox/strategies/nosh.ts). */
export const NoshLevelArtifact = z.object({
  arch: z.string(),
  level: z.number().int().min(0),
  epochs: z.number().int().min(0),
  metric: z.number().nullable(),
  test: z.number().optional(),
});

/** A cell of the pyramid: where it stopped (so far) and its metric at each level it reached. */
export interface PyramidCellRow {
  /** Admission order, 1-based. */
  index: number;
  arch: string;
  level: number;
  epochs: number;
  /** `metrics[k]`: the metric at level k (null at level 0 without a zero-cost score). */
  metrics: (number | null)[];
  test?: number;
}

export interface PyramidLevelRow {
  level: number;
  epochs: number;
  /** Cells that reached this level. */
  reached: number;
  /** Cells stopped (paused) at this level. */
  stopped: number;
  /** The best metric measured at this level. */
  best: number | null;
}

/** The pyramid from a run's `nosh.level` artifacts, cells in admission order; malformed records are skipped. */
export function pyramidFrom(records: readonly ArtifactRecord[]): { cells: PyramidCellRow[]; levels: PyramidLevelRow[] } {
  const cells = new Map<string, PyramidCellRow>();
  const epochsAt = new Map<number, number>();
  // Same-step records keep their arrival order (a stable sort).
  for (const r of [...records].sort((a, b) => a.step - b.step)) {
    const parsed = NoshLevelArtifact.safeParse(r.data);
    if (!parsed.success) continue;
    const { arch, level, epochs, metric, test } = parsed.data;
    let cell = cells.get(arch);
    if (!cell) {
      cell = { index: cells.size + 1, arch, level, epochs, metrics: [] };
      cells.set(arch, cell);
    }
    cell.level = Math.max(cell.level, level);
    cell.epochs = Math.max(cell.epochs, epochs);
    cell.metrics[level] = metric;
    if (test !== undefined) cell.test = test;
    epochsAt.set(level, epochs);
  }
  const list = [...cells.values()];
  const top = Math.max(-1, ...list.map((c) => c.level));
  const levels: PyramidLevelRow[] = [];
  for (let level = 0; level <= top; level++) {
    const reached = list.filter((c) => c.level >= level);
    const measured = reached.map((c) => c.metrics[level]).filter((m): m is number => typeof m === 'number');
    levels.push({
      level,
      epochs: epochsAt.get(level) ?? 0,
      reached: reached.length,
      stopped: list.filter((c) => c.level === level).length,
      best: measured.length ? Math.max(...measured) : null,
    });
  }
  return { cells: list, levels };
}
