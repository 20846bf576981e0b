import { z } from 'zod';

const MeanStd = z.object({ mean: z.number(), std: z.number() });

/** One predictor arm at one train size (the `predictors` command's row). */
export const PredictorComparisonRow = z.object({
  predictor: z.string(),
  pretrained: z.boolean().nullable(),
  label: z.string(),
  trainSize: z.number().int(),
  kendall: MeanStd,
  spearman: MeanStd,
  fitSeconds: z.number(),
  pretrainSeconds: z.number(),
});
export type PredictorComparisonRow = z.infer<typeof PredictorComparisonRow>;

export const PredictorComparison = z.object({ dataset: z.string(), seeds: z.number().int(), testSize: z.number().int(), rows: z.array(PredictorComparisonRow) });
export type PredictorComparison = z.infer<typeof PredictorComparison>;

/** One strategy over many trials (the `benchmark` command's summary). */
export const StrategySummary = z.object({
  trials: z.number().int(),
  testMean: z.number(),
  testStd: z.number(),
  valMean: z.number(),
  curve: z.array(z.number()),
  curveStd: z.array(z.number()),
  toReach: z.object({ target: z.number(), reached: z.number().int(), mean: z.number().nullable(), std: z.number().nullable() }).nullable(),
  seconds: z.number(),
});
export type StrategySummary = z.infer<typeof StrategySummary>;

export const StrategyComparison = z.object({ dataset: z.string(), trials: z.number().int(), budget: z.number().int(), target: z.number(), results: z.record(z.string(), StrategySummary) });
export type StrategyComparison = z.infer<typeof StrategyComparison>;

/** A saved comparison (`predictors --save`, `benchmark --save`), as the Predictors view reads it. */
export const BenchmarkResult = z.discriminatedUnion('kind', [
  z.object({ id: z.number().int(), kind: z.literal('predictors'), createdAt: z.string(), title: z.string(), data: PredictorComparison }),
  z.object({ id: z.number().int(), kind: z.literal('strategies'), createdAt: z.string(), title: z.string(), data: StrategyComparison }),
]);
export type BenchmarkResult = z.infer<typeof BenchmarkResult>;
export const BENCHMARK_KINDS = ['predictors', 'strategies'] as const;
