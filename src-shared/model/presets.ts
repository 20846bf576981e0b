import type { RunConfigInput } from './run-config';

/**
 * Named starting points for runs (`--preset NAME` in the CLI, the preset menu in the UI). A preset is
 * a partial config: the schema's defaults fill the rest, so they stay in one place.
 */
export const PRESETS: Record<string, RunConfigInput> = {
  /** The smallest real run: a small convnet on the embedded Fashion-MNIST sample, a minute on a CPU. */
  'train-small': { algorithm: 'train', steps: 300, batchSize: 32, evalEvery: 50 },
};
