import { DATASET_NAMES } from '../../src-shared/model/dataset';
import type { AlgorithmForm, FieldSpec } from './run-forms';

const CURVES = { path: 'evaluator.kind', equals: 'nb201-curves' } as const;
const TRAIN = { path: 'evaluator.kind', equals: 'nb201-train' } as const;

/**
 * NOSH's fields (docs/blackbox.md): a budget in epochs and a pausable evaluator, NAS-Bench-201's
 * synthetic learning curves or training from scratch on your images. The levels come from the
 * evaluator's full training (halvings) unless a config file sets them.
 */
const NOSH_FIELDS: FieldSpec[] = [
  { path: 'budget', label: 'Budget (training epochs)', kind: 'int', help: 'one step trains one cell one epoch; cells stop at levels of ½, ¼, … of a full training' },
  {
    path: 'evaluator.kind', label: 'Evaluator', kind: 'select', options: ['nb201-curves', 'nb201-train'],
    help: 'nb201-curves: NAS-Bench-201 accuracies with synthetic learning curves (200 epochs, lookups); nb201-train: train each cell from scratch on your images, pausing and resuming it',
  },
  { path: 'evaluator.dataset', label: 'NAS-Bench-201 dataset', kind: 'select', options: ['cifar10', 'cifar100', 'imagenet16-120'], when: CURVES },
  { path: 'evaluator.dataset.name', label: 'Dataset', kind: 'select', options: DATASET_NAMES, help: 'embedded: the Fashion-MNIST sample shipped with the app', when: TRAIN },
  { path: 'evaluator.dataset.dir', label: 'Dataset folder', kind: 'text', optional: true, help: 'needed for every dataset but embedded', when: TRAIN },
  { path: 'evaluator.dataset.trainLimit', label: 'Train images (max)', kind: 'int', optional: true, when: TRAIN },
  { path: 'evaluator.epochs', label: 'Epochs of a full training', kind: 'int', help: 'the top level of the pyramid', when: TRAIN },
  { path: 'evaluator.channels', label: 'Channels (C)', kind: 'int', when: TRAIN },
  { path: 'evaluator.cellsPerStage', label: 'Cells per stage (N)', kind: 'int', when: TRAIN },
  { path: 'evaluator.batchesPerEpoch', label: 'Batches per epoch (max)', kind: 'int', optional: true, when: TRAIN },
  { path: 'promoteShare', label: 'Share promoted per level', kind: 'number' },
  { path: 'batch', label: 'New cells per round', kind: 'int' },
  { path: 'level0', label: 'Epoch-0 score', kind: 'select', options: ['none', 'params'], help: 'params: cells with more conv weights first' },
  { path: 'seed', label: 'Seed', kind: 'int' },
];

export const NOSH_FORMS: AlgorithmForm[] = [
  {
    algorithm: 'nosh',
    label: 'NOSH (non-uniform successive halving)',
    description: 'Cells trained on a pyramid of growing budgets, paused and resumed; budget in epochs (Wang et al., ICCV 2021).',
    fields: NOSH_FIELDS,
  },
  {
    algorithm: 'rank-nosh',
    label: 'Rank-NOSH (pairwise ranker + NOSH)',
    description: 'NOSH whose new cells a pairwise ranker, fitted on the partial results, proposes (Wang et al., ICCV 2021).',
    fields: [...NOSH_FIELDS, { path: 'ranker.numCandidates', label: 'Cells ranked per round', kind: 'int' }],
  },
];
