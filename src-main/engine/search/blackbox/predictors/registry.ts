import type { BananasPredictorConfig, PredictorKind } from '../../../../../src-shared/model/algorithms/blackbox';
import type { CellSpace } from '../spaces/cell-space';
import { ARCH2VEC_PREDICTOR_DEFAULTS, Arch2vecPredictor } from './arch2vec-predictor';
import { EnsemblePredictor } from './ensemble';
import { archFeatures, withExtraOnes, type ArchFeatures, type ExtraOnes } from './features';
import { GpPredictor, NASLIB_GP_HYPER } from './gp';
import type { Predictor } from './predictor';
import { RankerPredictor } from './ranker-predictor';

export interface PredictorEntry {
  /** What the comparison table and the docs call it. */
  label: string;
  /** Whether it has a "without pretraining" arm (`pretrained: false`). */
  pretrainable: boolean;
  create<A>(features: ArchFeatures<A>, config: BananasPredictorConfig): Predictor<A>;
}

/** Every predictor by name; the config's `kind` picks one (a kind without an entry is a type error). */
export const PREDICTORS = {
  mlp: { label: 'MLP ensemble (BANANAS)', pretrainable: false, create: (f, c) => new EnsemblePredictor(f, { ...c, kind: 'mlp' }) },
  gcn: { label: 'GCN ensemble', pretrainable: false, create: (f, c) => new EnsemblePredictor(f, { ...c, kind: 'gcn' }) },
  gp: { label: 'Gaussian process (RBF)', pretrainable: false, create: (f, c) => new GpPredictor(f, { hyper: c.gpHyper, fixed: NASLIB_GP_HYPER }) },
  'arch2vec-frozen': {
    label: 'arch2vec frozen + Bayesian linear',
    pretrainable: true,
    create: (f, c) => new Arch2vecPredictor(f, { ...ARCH2VEC_PREDICTOR_DEFAULTS, mode: 'frozen', pretrained: c.pretrained, pretrainCells: c.pretrainCells, pretrainEpochs: c.pretrainEpochs }),
  },
  'arch2vec-finetune': {
    label: 'arch2vec fine-tuned + Bayesian linear',
    pretrainable: true,
    create: (f, c) => new Arch2vecPredictor(f, { ...ARCH2VEC_PREDICTOR_DEFAULTS, mode: 'finetune', pretrained: c.pretrained, pretrainCells: c.pretrainCells, pretrainEpochs: c.pretrainEpochs }),
  },
  ranker: { label: 'Pairwise ranker (GCN, as Rank-NOSH)', pretrainable: false, create: (f) => new RankerPredictor(f) },
} satisfies Record<PredictorKind, PredictorEntry>;

/**
 * The predictor a config names, reading `cells` (NB201's or DARTS's) through the config's encoding,
 * with `extra` one-hot inputs after it when given (a zero-cost proxy's quartile).
 */
export function createPredictor<A>(cells: CellSpace<A>, config: BananasPredictorConfig, extra?: ExtraOnes<A>): Predictor<A> {
  const entry: PredictorEntry | undefined = PREDICTORS[config.kind];
  if (entry === undefined) throw new RangeError(`unknown predictor "${config.kind}"; choose one of ${Object.keys(PREDICTORS).join(', ')}`);
  const features = archFeatures(cells, config.encoding);
  return entry.create(extra ? withExtraOnes(features, extra) : features, config);
}
