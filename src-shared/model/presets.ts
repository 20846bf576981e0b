import type { RunConfigInput } from './run-config';
export { EVALUATION_PRESETS } from './algorithms/evaluation';

/**
 * Named starting points for runs, THE one list: `--preset NAME` in the CLI and the preset menu of
 * the New-run form read this object, and the form applies a preset's values exactly (a unit test
 * compares the config the UI sends with the CLI's for every entry). A preset is a partial config:
 * the schema's defaults fill the rest, so they stay in one place. The one-shot presets use only
 * the fields every one-shot search shares (algorithms/one-shot.ts), so `--algorithm gdas|snas|pvll`
 * runs the same setting with another method. Every algorithm the form offers has at least one.
 * Evaluation recipes (`EVALUATION_PRESETS`, re-exported here) are a field of the evaluation config,
 * since an evaluation also needs its cell: "Train this cell" and `cli evaluate --preset` pick them.
 */
/**
 * A real DARTS search in a few minutes on one CPU core (docs/engine.md has the measurements): all
 * eight DARTS ops on a 3-cell supernet with 2 nodes per cell, 128 embedded images split in half,
 * 4 epochs of 8 batches of 8. α's learning rate is 20× DARTS's so that 32 Adam steps move it visibly.
 */
const QUICK = {
  dataset: { name: 'embedded', trainLimit: 128 },
  space: { kind: 'darts', nodes: 2, layers: 3, channels: 4, stemMultiplier: 3 },
  epochs: 4,
  batchSize: 8,
  archLearningRate: 6e-3,
  reportEvery: 2,
  validBatches: 4,
  hessianEvery: 2,
  hessianIters: 3,
} as const;

/**
 * A search worth training the cell of, sized for a laptop: the full Fashion-MNIST (`dataset.dir`:
 * the folder with its four IDX files; set it to yours), 3 nodes on 5 cells of C=8, 12 epochs of 40
 * batches of 32 with a Hessian every 2 epochs, α's learning rate 10× DARTS's for the shorter run.
 * Its wall time is not measured yet (docs/oneshot.md).
 */
const LAPTOP = {
  dataset: { name: 'fashion-mnist', dir: 'data/fashion-mnist' },
  space: { kind: 'darts', nodes: 3, layers: 5, channels: 8, stemMultiplier: 3 },
  epochs: 12,
  batchSize: 32,
  batchesPerEpoch: 40,
  archLearningRate: 3e-3,
  reportEvery: 10,
  validBatches: 8,
  hessianEvery: 2,
  hessianIters: 5,
} as const;

const NB201_TABLE = { budget: 150, evaluator: { kind: 'nb201-tabular', dataset: 'cifar10' } } as const;

export const PRESETS: Record<string, RunConfigInput> = {
  /** The smallest real run: a small convnet on the embedded Fashion-MNIST sample, a minute on a CPU. */
  'train-small': { algorithm: 'train', steps: 300, batchSize: 32, evalEvery: 50 },
  /** The quick search (above) with DARTS. */
  quick: { algorithm: 'darts', ...QUICK },
  /** The laptop-sized search (below) with DARTS. */
  laptop: { algorithm: 'darts', ...LAPTOP },
  /** `quick` and `laptop` with SDARTS's random smoothing and adversarial perturbation (docs/oneshot.md). */
  'sdarts-rs-quick': { algorithm: 'sdarts-rs', ...QUICK },
  'sdarts-rs-laptop': { algorithm: 'sdarts-rs', ...LAPTOP },
  'sdarts-adv-quick': { algorithm: 'sdarts-adv', ...QUICK },
  'sdarts-adv-laptop': { algorithm: 'sdarts-adv', ...LAPTOP },
  /** `quick` and `laptop` with DrNAS's Dirichlet edges (docs/oneshot.md). */
  'drnas-quick': { algorithm: 'drnas', ...QUICK },
  'drnas-laptop': { algorithm: 'drnas', ...LAPTOP },
  /**
   * DrNAS's progressive variant (docs/oneshot.md): every op on 1/K of the channels for the first half,
   * then each edge's 4 ops of highest concentration on 1/K₂. quick: K 4 → 2 on C = 4, 2 + 2 epochs,
   * no warm-up (too short); laptop: K 4 → 2 on C = 8, 6 + 6 epochs, α still for 2 of each stage
   * (the authors' 10 of 25).
   */
  'drnas-progressive-quick': { algorithm: 'drnas', ...QUICK, progressive: { firstPartialChannels: 4, secondPartialChannels: 2, keepOps: 4, firstStageEpochs: 2, archWarmupEpochs: 0 } },
  'drnas-progressive-laptop': { algorithm: 'drnas', ...LAPTOP, progressive: { firstPartialChannels: 4, secondPartialChannels: 2, keepOps: 4, firstStageEpochs: 6, archWarmupEpochs: 2 } },
  /**
   * The progressive variant on NAS-Bench-201's cell (one cell per stage of C = 8): the authors' K 4 → 2
   * and 5 → 3 ops per edge, 2 + 2 epochs of `quick`, no warm-up; the found cell is looked up in the
   * benchmark's tables like any NB201 run's (docs/oneshot.md).
   */
  'drnas-progressive-nb201-quick': {
    algorithm: 'drnas',
    ...QUICK,
    space: { kind: 'nb201', channels: 8, cellsPerStage: 1 },
    progressive: { firstPartialChannels: 4, secondPartialChannels: 2, keepOps: 3, firstStageEpochs: 2, archWarmupEpochs: 0 },
  },
  /** `quick` and `laptop` with GDAS's one sampled op per edge (docs/sampled-search.md). */
  'gdas-quick': { algorithm: 'gdas', ...QUICK },
  'gdas-laptop': { algorithm: 'gdas', ...LAPTOP },
  /** `quick` and `laptop` with SNAS's Gumbel-softmax edges (docs/sampled-search.md). */
  'snas-quick': { algorithm: 'snas', ...QUICK },
  'snas-laptop': { algorithm: 'snas', ...LAPTOP },
  /**
   * `quick` and `laptop` with PVLL-NAS. Its warm-up (architectures × batches) is cut to a quarter of
   * the search's own steps, so it does not dominate a short run: 4 × 2 = 8 batches before `quick`'s
   * 32, 10 × 40 = 400 before `laptop`'s 480.
   */
  'pvll-quick': { algorithm: 'pvll', ...QUICK, warmupSize: 4, warmupBatches: 2 },
  'pvll-laptop': { algorithm: 'pvll', ...LAPTOP, warmupSize: 10, warmupBatches: 40 },
  /**
   * The black-box strategies on NAS-Bench-201's CIFAR-10 table with NASLib's budget of 150 cells
   * (docs/blackbox.md): seconds, no training.
   */
  'random-nb201': { algorithm: 'random', ...NB201_TABLE },
  'rea-nb201': { algorithm: 'rea', ...NB201_TABLE },
  'ls-nb201': { algorithm: 'ls', ...NB201_TABLE },
  'bananas-nb201': { algorithm: 'bananas', ...NB201_TABLE },
  /**
   * NOSH and Rank-NOSH on NAS-Bench-201's CIFAR-10 accuracies with synthetic learning curves
   * (examples/rank-nosh-nb201-curves.json): a budget of 4,000 epochs (20 full trainings), seconds.
   */
  'nosh-nb201-curves': { algorithm: 'nosh', budget: 4000, evaluator: { kind: 'nb201-curves', dataset: 'cifar10' } },
  'rank-nosh-nb201-curves': { algorithm: 'rank-nosh', budget: 4000, evaluator: { kind: 'nb201-curves', dataset: 'cifar10' } },
  /** Random search training each of 5 cells from scratch on the embedded sample (examples/random-nb201-train.json). */
  'random-nb201-train': {
    algorithm: 'random',
    budget: 5,
    evaluator: { kind: 'nb201-train', dataset: { name: 'embedded', trainLimit: 1000 }, channels: 8, cellsPerStage: 1, epochs: 2 },
  },
  /** Regularized evolution scoring 30 cells with a supernet trained once (examples/rea-nb201-supernet.json). */
  'rea-nb201-supernet': {
    algorithm: 'rea',
    budget: 30,
    populationSize: 10,
    sampleSize: 3,
    evaluator: { kind: 'nb201-supernet', dataset: { name: 'embedded', trainLimit: 2000 }, channels: 8, cellsPerStage: 1, supernetEpochs: 3, learningRate: 0.1, validBatches: 4 },
  },
  /**
   * `quick` and `laptop` with PC-DARTS (K=4 on C=4 and C=8), α frozen for the first quarter as its 15
   * of 50 epochs; DARTS's learning rates, since these batches are far below the 256 PC-DARTS's 0.1 is for.
   */
  'pcdarts-quick': { algorithm: 'pcdarts', ...QUICK, archWarmupEpochs: 1, learningRate: 0.025, learningRateMin: 0.001 },
  'pcdarts-laptop': { algorithm: 'pcdarts', ...LAPTOP, archWarmupEpochs: 3, learningRate: 0.025, learningRateMin: 0.001 },
  /**
   * `quick` and `laptop` with DARTS-PT's selection (docs/oneshot.md): the authors' 5 fine-tuning epochs
   * between decisions scaled to the presets' short searches, 1 (quick: 8 batches) and 2 (laptop: 80
   * batches); `-fix-alpha`: α never trained (the authors' "blank" supernet).
   */
  'darts-pt-quick': { algorithm: 'darts-pt', ...QUICK, projectionInterval: 1 },
  'darts-pt-laptop': { algorithm: 'darts-pt', ...LAPTOP, projectionInterval: 2 },
  'darts-pt-fix-alpha-quick': { algorithm: 'darts-pt', ...QUICK, projectionInterval: 1, fixAlpha: true },
  'darts-pt-fix-alpha-laptop': { algorithm: 'darts-pt', ...LAPTOP, projectionInterval: 2, fixAlpha: true },
  /**
   * `quick` and `laptop` with few-shot NAS: the first normal edge split into its 7 ops but `none`,
   * the one-shot warm-up twice each sub-supernet's epochs (the authors' 600 : 300): 2 + 7·1 epochs
   * (quick), 8 + 7·4 (laptop).
   */
  'fewshot-quick': { algorithm: 'fewshot', ...QUICK, warmupEpochs: 2, epochs: 1 },
  'fewshot-laptop': { algorithm: 'fewshot', ...LAPTOP, warmupEpochs: 8, epochs: 4 },
  /**
   * `pcdarts-quick` on NAS-Bench-201's cell (one cell per stage of C = 8, K = 4 leaves 2 channels per
   * op): the found cell is looked up in the benchmark's tables by the study (docs/oneshot.md).
   */
  'pcdarts-nb201-quick': { algorithm: 'pcdarts', ...QUICK, space: { kind: 'nb201', channels: 8, cellsPerStage: 1 }, archWarmupEpochs: 1, learningRate: 0.025, learningRateMin: 0.001 },
  /**
   * DARTS's CIFAR-10 search (Liu et al. 2019, `train_search.py`): C=16, 8 cells, 4 nodes, batch 64,
   * 50 epochs, half of the training set for α, crop with padding 4 and horizontal flip (no cutout in
   * the search). `dataset.dir` is the folder with `data_batch_1..5.bin`; set it to yours. The whole
   * architecture half is scored each epoch (391 batches of 64), the Hessian eigenvalue every 5 epochs.
   */
  'darts-cifar10': {
    algorithm: 'darts',
    dataset: { name: 'cifar10', dir: 'data/cifar-10-batches-bin', augment: { cropPadding: 4, horizontalFlip: true, cutout: 0 } },
    space: { kind: 'darts', nodes: 4, layers: 8, channels: 16, stemMultiplier: 3 },
    epochs: 50,
    batchSize: 64,
    validBatches: 391,
    hessianEvery: 5,
    hessianIters: 20,
  },
  /** `quick` and `laptop` with NASP's proximal iterations (docs/oneshot.md). */
  'nasp-quick': { algorithm: 'nasp', ...QUICK },
  'nasp-laptop': { algorithm: 'nasp', ...LAPTOP },
  /**
   * `quick` and `laptop` with ProxylessNAS's binarized paths (docs/oneshot.md); `quick` steps α after
   * every batch (the authors: every 5th) so its 24 batches after the first epoch move α at all.
   */
  'proxyless-quick': { algorithm: 'proxyless', ...QUICK, archUpdateEvery: 1 },
  'proxyless-laptop': { algorithm: 'proxyless', ...LAPTOP },
};
