import { z } from 'zod';
import { Genotype as GenotypeSchema, type Genotype } from './genotype';
import { PRESETS } from './presets';
import { robustDartsSpace } from './robust-darts';
import type { RunConfigInput } from './run-config';
import { Stat, stat } from './statistics';

/**
 * A study: the robust differentiable methods side by side on one space and the same seeds, the
 * question of RobustDARTS (Zela et al., ICLR 2020) and of the methods that answer it: which cell
 * fills with parameter-free ops, whose dominant Hessian eigenvalue rises, and what each cell is
 * worth. `study` in the CLI and the Study panel of an experiment plan the same runs from here.
 */
export const STUDY_SPACES = ['s1', 's2', 's3', 's4', 'darts', 'nb201'] as const;
export const STUDY_STRATEGIES = ['darts', 'drnas', 'pcdarts', 'sdarts-rs', 'sdarts-adv', 'gdas', 'snas', 'darts-pt', 'darts-pt-fix-alpha', 'nasp', 'proxyless', 'fewshot'] as const;

/** The study strategy a run stands for: DARTS-PT with α fixed is its own row (the paper reports it apart). */
export function studyStrategyOf(run: { algorithm: string; config: unknown }): string {
  return run.algorithm === 'darts-pt' && (run.config as { fixAlpha?: boolean } | null)?.fixAlpha ? 'darts-pt-fix-alpha' : run.algorithm;
}
export type StudyStrategy = (typeof STUDY_STRATEGIES)[number];

export const StudyRequest = z
  .object({
    space: z.enum(STUDY_SPACES),
    strategies: z.array(z.enum(STUDY_STRATEGIES)).min(1).max(STUDY_STRATEGIES.length).default(['darts', 'drnas', 'pcdarts', 'sdarts-rs', 'sdarts-adv']),
    /** Seeds 0..seeds-1 for every strategy: the same seeds, so the methods meet the same data order and initial weights. */
    seeds: z.number().int().min(1).max(10).default(1),
    /** The size of each search: the one-shot presets `quick` (minutes) or `laptop` (full Fashion-MNIST). */
    size: z.enum(['quick', 'laptop']).default('quick'),
    /** Epochs of every search instead of the preset's (4 quick, 12 laptop): collapse needs longer runs (docs/oneshot.md, Studies). */
    epochs: z.number().int().min(1).max(200).optional(),
  })
  .strict()
  .refine((r) => new Set(r.strategies).size === r.strategies.length, { message: 'each strategy may be named once', path: ['strategies'] });
export type StudyRequest = z.infer<typeof StudyRequest>;

export interface PlannedStudyRun {
  strategy: StudyStrategy;
  seed: number;
  name: string;
  config: RunConfigInput;
}

/** The study's runs, strategy by strategy and seed by seed, and the strategies the space cannot take (with why). */
export function planStudy(request: StudyRequest): { runs: PlannedStudyRun[]; skipped: { strategy: StudyStrategy; reason: string }[] } {
  const runs: PlannedStudyRun[] = [];
  const skipped: { strategy: StudyStrategy; reason: string }[] = [];
  for (const strategy of request.strategies) {
    const preset = PRESETS[strategy === 'darts' ? request.size : `${strategy}-${request.size}`] ?? { ...PRESETS[request.size], algorithm: strategy };
    const base = preset as RunConfigInput & { space: { channels: number; layers?: number; stemMultiplier?: number } };
    const space = studySpace(request.space, base.space);
    for (let seed = 0; seed < request.seeds; seed++) {
      const epochs = request.epochs === undefined ? {} : { epochs: request.epochs };
      runs.push({ strategy, seed, name: `${strategy} on ${request.space.toUpperCase()}, seed ${seed}`, config: { ...base, space, seed, ...epochs } as RunConfigInput });
    }
  }
  return { runs, skipped };
}

/** The study's space at the preset's size: RobustDARTS's S1–S4 (4 nodes), the preset's DARTS space, or NAS-Bench-201. */
function studySpace(name: (typeof STUDY_SPACES)[number], presetSpace: { channels: number; layers?: number; stemMultiplier?: number }): unknown {
  if (name === 'darts') return presetSpace;
  if (name === 'nb201') return { kind: 'nb201', channels: presetSpace.channels, cellsPerStage: 1 };
  const robust = robustDartsSpace(name.toUpperCase() as 'S1' | 'S2' | 'S3' | 'S4', { channels: presetSpace.channels, layers: presetSpace.layers, stemMultiplier: presetSpace.stemMultiplier });
  return robust;
}

/** Ops without parameters: what a collapsed DARTS cell fills with (`none` never survives DARTS's parse). */
export const PARAMETER_FREE_OPS: ReadonlySet<string> = new Set(['none', 'skip_connect', 'max_pool_3x3', 'avg_pool_3x3', 'noise']);

/** The share of the normal cell's edges whose op has no parameters (DARTS's two inputs per node; NB201's six edges). */
export function parameterFreeShare(genotype: Genotype): number {
  const ops = genotype.space === 'darts' ? genotype.normal.map(([op]) => op) : genotype.arch.split(/[|+]/).filter(Boolean).map((e) => e.split('~')[0]);
  return ops.filter((op) => PARAMETER_FREE_OPS.has(op)).length / ops.length;
}

/** What the study reads of one finished (or running) search run. */
export interface StudyRunFacts {
  runId: number;
  algorithm: string;
  seed: number;
  status: string;
  genotype: Genotype | null;
  /** `hessian.eigenvalue` in step order. */
  eigenvalues: number[];
  seconds: number | null;
  /** NAS-Bench-201's test accuracy (%) of the found cell per dataset, when the space is NB201. */
  benchmark: Record<string, number> | null;
  /** Top-1 (0..1) of the cell trained from scratch by the evaluation stage, mean over its evaluation runs. */
  evaluatedTop1: number | null;
}

/** One algorithm's figures over its runs in the study (completed runs only), mean ± sample std. */
export const StudyRow = z.object({
  algorithm: z.string(),
  runs: z.number().int(),
  completed: z.number().int(),
  /** Share of the normal cell's edges with a parameter-free op. */
  parameterFree: Stat.nullable(),
  firstEigenvalue: Stat.nullable(),
  lastEigenvalue: Stat.nullable(),
  seconds: Stat.nullable(),
  /** NAS-Bench-201 test accuracy (%) per dataset. */
  benchmark: z.record(z.string(), Stat).nullable(),
  evaluatedTop1: Stat.nullable(),
  genotypes: z.array(GenotypeSchema.nullable()),
  runIds: z.array(z.number().int()),
});
export type StudyRow = z.infer<typeof StudyRow>;

/** One row per algorithm, in the order they first appear: the completed runs' figures as mean ± sample std. */
export function summarizeStudy(facts: readonly StudyRunFacts[]): StudyRow[] {
  const groups = new Map<string, StudyRunFacts[]>();
  for (const f of facts) groups.set(f.algorithm, [...(groups.get(f.algorithm) ?? []), f]);
  return [...groups].map(([algorithm, runs]) => {
    const done = runs.filter((r) => r.status === 'completed');
    const pick = (get: (r: StudyRunFacts) => number | null | undefined) => stat(done.map(get).filter((v): v is number => typeof v === 'number' && Number.isFinite(v)));
    const datasets = [...new Set(done.flatMap((r) => Object.keys(r.benchmark ?? {})))];
    return {
      algorithm,
      runs: runs.length,
      completed: done.length,
      parameterFree: pick((r) => (r.genotype ? parameterFreeShare(r.genotype) : null)),
      firstEigenvalue: pick((r) => r.eigenvalues[0]),
      lastEigenvalue: pick((r) => r.eigenvalues.at(-1)),
      seconds: pick((r) => r.seconds),
      benchmark: datasets.length ? Object.fromEntries(datasets.map((d) => [d, pick((r) => r.benchmark?.[d])!]).filter(([, s]) => s)) : null,
      evaluatedTop1: pick((r) => r.evaluatedTop1),
      genotypes: runs.map((r) => r.genotype),
      runIds: runs.map((r) => r.runId),
    };
  });
}

/**
 * Published figures beside ours: NAS-Bench-201 CIFAR-10 test accuracy (%) of each method's found
 * cell, as the DrNAS paper (Chen et al., ICLR 2021, Table 3) and the survey cite them.
 */
export const PUBLISHED_NB201_CIFAR10: Readonly<Record<string, number>> = {
  darts: 54.3,
  drnas: 94.36,
};

/**
 * Published figures beside ours on RobustDARTS's S2: CIFAR-10 test error (%) of the found cell in
 * the DARTS-PT paper (Wang et al., ICLR 2021, Table 4): DARTS 4.85, DARTS+PT 2.79, DARTS+PT with α
 * fixed 2.59.
 */
export const PUBLISHED_S2_CIFAR10_ERROR: Readonly<Record<string, number>> = {
  darts: 4.85,
  'darts-pt': 2.79,
  'darts-pt-fix-alpha': 2.59,
};
