import { z } from 'zod';

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

/** A computation whose scores the store caches: the same cells scored with other settings are another scope. */
export const ProxyScope = z.object({
  space: z.string(),
  dataset: z.string(),
  seed: z.number().int().min(0),
  settings: z.string(),
});
export type ProxyScope = z.infer<typeof ProxyScope>;

/** Spearman ρ and Kendall τ-b; null where undefined (a constant list). */
const Correlation = z.object({ spearman: z.number().nullable(), kendall: z.number().nullable() });

export const ProxyCorrelationRow = z.object({
  proxy: z.enum(PROXY_NAMES),
  secondsPerCell: z.number(),
  /** Cells with a number (NaN left out). */
  used: z.number().int(),
  tables: z.array(z.object({ dataset: z.string(), val: Correlation, test: Correlation })),
});
export type ProxyCorrelationRow = z.infer<typeof ProxyCorrelationRow>;

/**
 * What the Proxies view shows: the cached scopes, and for the chosen one every cell scored by every
 * proxy, the correlations, and each cell's NAS-Bench-201 accuracies. Values that are not finite
 * numbers (NaN, ±∞) travel as null.
 */
export const ProxyTable = z.object({
  scopes: z.array(ProxyScope.extend({ cells: z.number().int() })),
  scope: ProxyScope.nullable(),
  cells: z.array(z.string()),
  rows: z.array(ProxyCorrelationRow),
  values: z.record(z.string(), z.array(z.number().nullable())),
  accuracy: z.record(z.string(), z.object({ val: z.array(z.number()), test: z.array(z.number()) })),
});
export type ProxyTable = z.infer<typeof ProxyTable>;
