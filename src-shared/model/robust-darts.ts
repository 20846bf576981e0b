import { DARTS_OPS, DartsSpace, type DartsOp } from './space';

export const ROBUST_DARTS_SPACE_NAMES = ['S1', 'S2', 'S3', 'S4'] as const;
export type RobustDartsSpaceName = (typeof ROBUST_DARTS_SPACE_NAMES)[number];

type EdgeOps = { normal: DartsOp[][]; reduce: DartsOp[][] };

const everyEdge = (ops: DartsOp[]): EdgeOps => ({
  normal: Array.from({ length: 14 }, () => [...ops]),
  reduce: Array.from({ length: 14 }, () => [...ops]),
});

/**
 * The reduced spaces of RobustDARTS (Zela et al., ICLR 2020, `src/spaces.py`), 14 edges per cell in
 * DARTS edge order. S1 gives each edge the two ops DARTS ranked highest on it; S2–S4 share one set.
 */
const EDGE_OPS: Record<RobustDartsSpaceName, EdgeOps> = {
  S1: {
    normal: [
      ['skip_connect', 'dil_conv_3x3'],
      ['skip_connect', 'dil_conv_5x5'],
      ['skip_connect', 'dil_conv_5x5'],
      ['skip_connect', 'sep_conv_3x3'],
      ['skip_connect', 'dil_conv_3x3'],
      ['max_pool_3x3', 'skip_connect'],
      ['skip_connect', 'sep_conv_3x3'],
      ['skip_connect', 'sep_conv_3x3'],
      ['skip_connect', 'dil_conv_3x3'],
      ['skip_connect', 'sep_conv_3x3'],
      ['max_pool_3x3', 'skip_connect'],
      ['skip_connect', 'dil_conv_3x3'],
      ['dil_conv_3x3', 'dil_conv_5x5'],
      ['dil_conv_3x3', 'dil_conv_5x5'],
    ],
    reduce: [
      ['max_pool_3x3', 'avg_pool_3x3'],
      ['max_pool_3x3', 'dil_conv_3x3'],
      ['max_pool_3x3', 'avg_pool_3x3'],
      ['max_pool_3x3', 'avg_pool_3x3'],
      ['skip_connect', 'dil_conv_5x5'],
      ['max_pool_3x3', 'avg_pool_3x3'],
      ['max_pool_3x3', 'sep_conv_3x3'],
      ['skip_connect', 'dil_conv_3x3'],
      ['skip_connect', 'dil_conv_5x5'],
      ['max_pool_3x3', 'avg_pool_3x3'],
      ['max_pool_3x3', 'avg_pool_3x3'],
      ['skip_connect', 'dil_conv_5x5'],
      ['skip_connect', 'dil_conv_5x5'],
      ['skip_connect', 'dil_conv_5x5'],
    ],
  },
  S2: everyEdge(['skip_connect', 'sep_conv_3x3']),
  S3: everyEdge(['none', 'skip_connect', 'sep_conv_3x3']),
  S4: everyEdge(['noise', 'sep_conv_3x3']),
};

/**
 * A RobustDARTS space as a DartsSpace (4 nodes; the other fields default to DARTS's or take
 * `overrides`). `ops` lists every op used somewhere, in DARTS order, for display.
 */
export function robustDartsSpace(name: RobustDartsSpaceName, overrides: Partial<Omit<DartsSpace, 'kind' | 'edgeOps' | 'ops' | 'nodes'>> = {}): DartsSpace {
  const edgeOps = EDGE_OPS[name];
  if (!edgeOps) throw new Error(`unknown RobustDARTS space '${name}': use one of ${ROBUST_DARTS_SPACE_NAMES.join(', ')}`);
  const used = new Set([...edgeOps.normal.flat(), ...edgeOps.reduce.flat()]);
  const ops = [...DARTS_OPS, 'noise' as const].filter((op) => used.has(op));
  return DartsSpace.parse({
    ...overrides,
    kind: 'darts',
    nodes: 4,
    ops,
    edgeOps: { normal: edgeOps.normal.map((e) => [...e]), reduce: edgeOps.reduce.map((e) => [...e]) },
  });
}
