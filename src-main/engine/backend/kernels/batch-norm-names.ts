/**
 * Names of the fused batch-norm kernels (training mode, no affine, NHWC: statistics over every axis
 * but the last). Kept apart from the kernels so ops code can look them up without loading a backend.
 *
 * NasBatchNormTrain: {x} → [y, invStd], y = (x − mean)·invStd, invStd = 1/√(var + eps) shaped
 * [1, …, 1, C], var biased and taken from the centred values.
 * NasBatchNormTrainGrad: {dy, y, invStd} → dx = invStd·(dy − mean(dy) − y·mean(dy·y)).
 */
export const BATCH_NORM_TRAIN = 'NasBatchNormTrain';
export const BATCH_NORM_TRAIN_GRAD = 'NasBatchNormTrainGrad';

/** PyTorch's BatchNorm2d default, as DARTS uses. */
export const BATCH_NORM_EPS = 1e-5;
