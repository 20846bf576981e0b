import { Rng } from '../../../src-shared/model/rng';
import type { MetricPoint } from '../../../src-shared/model/metrics';
import type { Genotype } from '../../../src-shared/model/genotype';
import type { Reporter } from '../../../src-main/engine/search/strategy';
import { Nb201Cells } from '../../../src-main/engine/search/blackbox/spaces/nb201-cells';
import type { LookupTable } from '../../../src-main/engine/search/blackbox/evaluators/tabular-evaluator';

/**
 * A hand-made benchmark: the NB201 cell with two ops per edge (64 cells, 6 neighbours each). The
 * validation accuracy is a fixed permutation of 60.0, 60.5, ..., 91.5 (all distinct, several local
 * optima); the test accuracy differs from it by a known offset in -2..2.
 */
export function fakeTable(): LookupTable {
  const cells = new Nb201Cells(['none', 'nor_conv_3x3']);
  const val = new Float64Array(cells.size);
  const test = new Float64Array(cells.size);
  for (let c = 0; c < cells.size; c++) {
    val[c] = 60 + ((c * 37) % 64) / 2;
    test[c] = val[c] + ((c * 11) % 5) - 2;
  }
  return { cells, val, test };
}

/** Ops of each edge of a cell, read from its arch string (independent of the index arithmetic). */
export function opsOf(arch: string): string[] {
  return [...arch.matchAll(/([a-z0-9_]+)~\d/g)].map((m) => m[1]);
}

export function hamming(a: string, b: string): number {
  const x = opsOf(a);
  const y = opsOf(b);
  return x.reduce((n, op, i) => n + (op === y[i] ? 0 : 1), 0);
}

export interface Recorded {
  evaluations: { step: number; arch: string; metric: number; test?: number }[];
  /** Every artifact, evaluations included, in the order reported. */
  artifacts: { kind: string; step: number; data: Record<string, unknown> }[];
  metrics: MetricPoint[];
  genotypes: { genotype: Genotype; final: boolean; step: number }[];
  logs: string[];
}

export function recordingReporter(): Reporter & { seen: Recorded } {
  const seen: Recorded = { evaluations: [], artifacts: [], metrics: [], genotypes: [], logs: [] };
  return {
    seen,
    metrics: (points) => seen.metrics.push(...points),
    genotype: (genotype, info) => seen.genotypes.push({ genotype, final: info.final, step: info.step }),
    artifact: (kind, step, data) => {
      seen.artifacts.push({ kind, step, data: data as Record<string, unknown> });
      if (kind === 'evaluation') seen.evaluations.push({ step, ...(data as { arch: string; metric: number; test?: number }) });
    },
    log: (_level, message) => seen.logs.push(message),
    progress: () => {},
  };
}

export const seeded = (seed: number): Rng => new Rng(seed);
