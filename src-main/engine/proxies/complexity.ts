import { countMultiplyAdds } from '../evaluate/complexity';
import type { ProxyFunction } from './types';

/** Parameter count: every trainable weight (BN scales and shifts included, running statistics not), as papers count. */
export const paramCount: ProxyFunction = (network) => network.trainableVariables().reduce((sum, v) => sum + v.size, 0);

/** FLOPs as papers state them: multiply-adds of one image's inference (convolutions and the classifier). */
export const flops: ProxyFunction = (network) => countMultiplyAdds(network);
