import type { Nb201Op } from '../../../src-shared/model/space';
import type { OpFactory } from './types';
import { avgPool3x3ExcludePad } from './primitives';
import { factorizedReduce, reluConvBn, zeros } from './blocks';

/**
 * The NAS-Bench-201 op vocabulary (Dong and Yang 2020; AutoDL-Projects `cell_operations.py`),
 * C channels in and out: nor_conv = ReLU → conv → BN; avg pooling excludes padding.
 */
export const NB201_OP_FACTORIES = {
  none: (_c, stride) => zeros(stride),
  skip_connect: (c, stride, ctx) => (stride === 1 ? (x) => x : factorizedReduce(c, c, ctx)),
  nor_conv_1x1: (c, stride, ctx) => reluConvBn(c, c, 1, stride, ctx),
  nor_conv_3x3: (c, stride, ctx) => reluConvBn(c, c, 3, stride, ctx),
  avg_pool_3x3: (_c, stride) => (x) => avgPool3x3ExcludePad(x, stride),
} as const satisfies Record<Nb201Op, OpFactory>;
