/**
 * The zero-cost proxies (issue #19; docs/proxies.md): names every side shares (run configs, the
 * contract, the engine's registry), whether a larger value predicts a better cell, and their labels.
 */
export const PROXY_NAMES = ['grad_norm', 'snip', 'grasp', 'fisher', 'synflow', 'jacob_cov', 'naswot', 'tenas_ntk', 'tenas_lr', 'params', 'flops'] as const;
export type ProxyName = (typeof PROXY_NAMES)[number];

/** TE-NAS's condition number is the one proxy where smaller predicts better. */
export const PROXY_HIGHER_IS_BETTER: Record<ProxyName, boolean> = {
  grad_norm: true,
  snip: true,
  grasp: true,
  fisher: true,
  synflow: true,
  jacob_cov: true,
  naswot: true,
  tenas_ntk: false,
  tenas_lr: true,
  params: true,
  flops: true,
};

export function isProxyName(name: string): name is ProxyName {
  return (PROXY_NAMES as readonly string[]).includes(name);
}
