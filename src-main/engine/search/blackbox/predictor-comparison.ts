import { BananasPredictorConfig, PREDICTOR_KINDS, type PredictorKind } from '../../../../src-shared/model/algorithms/blackbox';
import { Rng } from '../../../../src-shared/model/rng';
import { kendallTau } from '../../diagnostics/kendall';
import { spearman } from '../../diagnostics/spearman';
import { meanStd } from '../../diagnostics/mean-std';
import { Arch2vecPredictor } from './predictors/arch2vec-predictor';
import { PREDICTORS } from './predictors/registry';
import { archFeatures } from './predictors/features';
import type { LookupTable } from './evaluators/tabular-evaluator';

export interface ComparisonOptions {
  predictors: PredictorKind[];
  trainSizes: number[];
  seeds: number;
  /** Held-out cells each predictor ranks (the same for every train size of a seed). */
  testSize: number;
  /** arch2vec's pretraining: cells sampled without labels, and epochs. */
  pretrainCells: number;
  pretrainEpochs: number;
}

/** One predictor (arm) at one train size: mean and std over seeds. */
export interface ComparisonRow {
  predictor: PredictorKind;
  /** Whether the arm was pretrained (arch2vec's two arms); null for predictors without pretraining. */
  pretrained: boolean | null;
  label: string;
  trainSize: number;
  kendall: { mean: number; std: number };
  spearman: { mean: number; std: number };
  /** Seconds of one fit, mean over seeds (pretraining excluded: see `pretrainSeconds`). */
  fitSeconds: number;
  /** Seconds of the unlabelled pretraining, once per seed (0 without). */
  pretrainSeconds: number;
}

/**
 * White et al.'s predictor comparison ("How Powerful are Performance Predictors in Neural
 * Architecture Search?", NeurIPS 2021) on a lookup table: per seed, cells are shuffled by
 * `new Rng(seed)`; the first `testSize` are held out, the training sets are the first n of the rest
 * (nested, so a larger set extends a smaller one). Each predictor is fitted on the validation
 * accuracy and ranks the held-out cells against theirs; Kendall's τ and Spearman's ρ are averaged
 * over seeds. arch2vec is pretrained once per seed on sampled cells (no labels) and reused across
 * train sizes, with and without pretraining.
 */
export function comparePredictors(table: LookupTable, options: ComparisonOptions, progress: (line: string) => void = () => {}): ComparisonRow[] {
  const { trainSizes, seeds, testSize } = options;
  const largest = Math.max(...trainSizes);
  if (testSize + largest > table.cells.size) throw new RangeError(`held-out ${testSize} + train ${largest} cells exceed the space's ${table.cells.size}`);
  const unknown = options.predictors.filter((p) => !PREDICTOR_KINDS.includes(p));
  if (unknown.length > 0) throw new RangeError(`unknown predictors ${unknown.join(', ')}; choose from ${PREDICTOR_KINDS.join(', ')}`);
  const arms = options.predictors.flatMap((kind): { kind: PredictorKind; pretrained: boolean | null }[] =>
    PREDICTORS[kind].pretrainable ? [{ kind, pretrained: true }, { kind, pretrained: false }] : [{ kind, pretrained: null }],
  );
  const samples = new Map<string, { tau: number[]; rho: number[]; fit: number[]; pretrain: number[] }>();
  for (let seed = 0; seed < seeds; seed++) {
    const rng = new Rng(seed);
    const order = rng.shuffle(Array.from({ length: table.cells.size }, (_, i) => i));
    const held = order.slice(0, testSize);
    const pool = order.slice(testSize, testSize + largest);
    const truth = held.map((c) => table.val[c]);
    for (const arm of arms) {
      const config = BananasPredictorConfig.parse({ kind: arm.kind, encoding: 'path', pretrained: arm.pretrained ?? true, pretrainCells: options.pretrainCells, pretrainEpochs: options.pretrainEpochs });
      const predictor = PREDICTORS[arm.kind].create(archFeatures(table.cells, 'path'), config);
      const armRng = rng.fork(`${arm.kind}:${arm.pretrained}`);
      try {
        let pretrain = 0;
        if (predictor instanceof Arch2vecPredictor) {
          const started = performance.now();
          predictor.prepare(armRng.fork('arch2vec'));
          pretrain = (performance.now() - started) / 1000;
        }
        for (const n of trainSizes) {
          const train = pool.slice(0, n);
          const started = performance.now();
          predictor.fit(train, train.map((c) => table.val[c]), armRng);
          const fit = (performance.now() - started) / 1000;
          const { mean } = predictor.predict(held);
          const key = `${arm.kind}|${arm.pretrained}|${n}`;
          const s = samples.get(key) ?? { tau: [], rho: [], fit: [], pretrain: [] };
          s.tau.push(kendallTau(mean, truth));
          s.rho.push(spearman(mean, truth));
          s.fit.push(fit);
          s.pretrain.push(pretrain);
          samples.set(key, s);
          progress(`seed ${seed} ${predictor.name} n=${n}: τ ${s.tau[s.tau.length - 1].toFixed(3)} (${fit.toFixed(1)} s)`);
        }
      } finally {
        predictor.dispose();
      }
    }
  }
  return arms.flatMap((arm) =>
    trainSizes.map((n) => {
      const s = samples.get(`${arm.kind}|${arm.pretrained}|${n}`)!;
      const label = PREDICTORS[arm.kind].label + (arm.pretrained === false ? ' (no pretraining)' : '');
      return { predictor: arm.kind, pretrained: arm.pretrained, label, trainSize: n, kendall: meanStd(s.tau), spearman: meanStd(s.rho), fitSeconds: meanStd(s.fit).mean, pretrainSeconds: meanStd(s.pretrain).mean };
    }),
  );
}
