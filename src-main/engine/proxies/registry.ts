import { paramCount, flops } from './complexity';
import { fisher } from './fisher';
import { gradNorm } from './grad-norm';
import { grasp } from './grasp';
import { jacobCov } from './jacob-cov';
import { linearRegions } from './linear-regions';
import { naswot } from './naswot';
import { ntkCondition } from './ntk';
import { snip } from './snip';
import { synflow } from './synflow';
import { PROXY_HIGHER_IS_BETTER, type ProxyName } from '../../../src-shared/model/proxies';
import type { ProxyFunction } from './types';

export { PROXY_NAMES, isProxyName, type ProxyName } from '../../../src-shared/model/proxies';

/**
 * What each proxy is computed on. `network`: the space's network at the run's size (`full`), or
 * TE-NAS's small ones (`ntk`: C = 3, N = 1; `thin`: C = 1, N = 1 on 4×4 single-channel crops).
 * `data`: whether it reads images (`images`, the chosen dataset's shape; `crops` for the thin
 * network) or only the input shape (`shape`).
 */
export interface ProxyDefinition {
  name: ProxyName;
  compute: ProxyFunction;
  network: 'full' | 'ntk' | 'thin';
  data: 'images' | 'crops' | 'shape';
  /** One line for tables and the docs. */
  summary: string;
}

export const PROXIES: Record<ProxyName, ProxyDefinition> = {
  grad_norm: { name: 'grad_norm', compute: gradNorm, network: 'full', data: 'images', summary: 'Σ_layers ‖∂L/∂W‖' },
  snip: { name: 'snip', compute: snip, network: 'full', data: 'images', summary: 'Σ |W ⊙ ∂L/∂W|' },
  grasp: { name: 'grasp', compute: grasp, network: 'full', data: 'images', summary: 'Σ −W ⊙ Hg' },
  fisher: { name: 'fisher', compute: fisher, network: 'full', data: 'images', summary: 'Σ ½ mean_n(Σ a·∂L/∂a)² per channel' },
  synflow: { name: 'synflow', compute: synflow, network: 'full', data: 'shape', summary: 'Σ |θ ⊙ ∂R/∂θ|, |θ|, all-ones input' },
  jacob_cov: { name: 'jacob_cov', compute: jacobCov, network: 'full', data: 'images', summary: 'input-Jacobian correlation spectrum' },
  naswot: { name: 'naswot', compute: naswot, network: 'full', data: 'images', summary: 'log|det| of the ReLU-code Hamming kernel' },
  tenas_ntk: { name: 'tenas_ntk', compute: ntkCondition, network: 'ntk', data: 'images', summary: 'NTK condition number λmax/λmin' },
  tenas_lr: { name: 'tenas_lr', compute: linearRegions, network: 'thin', data: 'crops', summary: 'distinct ReLU codes of 3,000 crops' },
  params: { name: 'params', compute: paramCount, network: 'full', data: 'shape', summary: 'trainable parameters' },
  flops: { name: 'flops', compute: flops, network: 'full', data: 'shape', summary: 'multiply-adds of one image' },
};

/** Whether a larger value of the proxy predicts a better cell. */
export const higherIsBetter = (proxy: ProxyName): boolean => PROXY_HIGHER_IS_BETTER[proxy];
