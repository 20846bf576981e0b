import type { DartsGenotype, Nb201Genotype } from './genotype';
import { NB201_OPS, dartsEdgeCount } from './space';

/**
 * The candidate ops of a DARTS cell: one list shared by every edge, or one list per edge (RobustDARTS
 * S1-S3 give each edge its own set), keyed by cell type, in DARTS edge order.
 */
export type DartsEdgeOps =
  | readonly string[]
  | { readonly normal: readonly (readonly string[])[]; readonly reduce: readonly (readonly string[])[] };

function softmax(row: readonly number[]): number[] {
  const max = Math.max(...row);
  const exps = row.map((a) => Math.exp(a - max));
  const sum = exps.reduce((s, e) => s + e, 0);
  return exps.map((e) => e / sum);
}

function checkAlphaRow(row: readonly number[], width: number, where: string): void {
  if (row.length !== width) {
    throw new Error(`${where}: has ${row.length} weights but the edge has ${width} candidate ops; pass the op lists the alphas were built with`);
  }
  for (const a of row) if (!Number.isFinite(a)) throw new Error(`${where}: weight ${a} is not a finite number (the search diverged?)`);
}

/**
 * One cell of DARTS's `genotype()._parse` (quark0/darts cnn/model_search.py): softmax per edge; for
 * each intermediate node, its two incoming edges whose strongest non-`none` op weighs most (a stable
 * sort, so ties keep the lower input), each with that op. Pairs come in that strength order, as DARTS
 * writes them.
 */
function parseDartsCell(
  alpha: readonly (readonly number[])[],
  edgeOps: readonly (readonly string[])[],
  nodes: number,
  cell: 'normal' | 'reduce',
  edgeScale?: readonly number[],
): [string, number][] {
  const gene: [string, number][] = [];
  let start = 0;
  for (let node = 0; node < nodes; node++) {
    const inputs = node + 2;
    const candidates = [];
    for (let input = 0; input < inputs; input++) {
      const edge = start + input;
      const ops = edgeOps[edge];
      checkAlphaRow(alpha[edge], ops.length, `alpha ${cell} row ${edge} (node ${node}, input ${input})`);
      const weights = softmax(alpha[edge]);
      let best = -1;
      for (let k = 0; k < ops.length; k++) {
        if (ops[k] !== 'none' && (best < 0 || weights[k] > weights[best])) best = k;
      }
      // PC-DARTS ranks a node's edges by op weight × the edge's normalization weight (its `_parse(W, W2)`).
      candidates.push({ input, edge, best, strength: best < 0 ? -Infinity : weights[best] * (edgeScale?.[edge] ?? 1) });
    }
    // Array.prototype.sort is stable, like Python's sorted.
    const chosen = candidates.sort((a, b) => b.strength - a.strength).slice(0, 2);
    for (const c of chosen) {
      if (c.best < 0) {
        throw new Error(`alpha ${cell} row ${c.edge}: node ${node} needs an edge from input ${c.input}, whose only candidate op is 'none'`);
      }
      gene.push([edgeOps[c.edge][c.best], c.input]);
    }
    start += inputs;
  }
  return gene;
}

function edgeOpsFor(ops: DartsEdgeOps, cell: 'normal' | 'reduce', edges: number): readonly (readonly string[])[] {
  if (Array.isArray(ops)) return Array.from({ length: edges }, () => ops as readonly string[]);
  const perEdge = (ops as Exclude<DartsEdgeOps, readonly string[]>)[cell];
  if (perEdge.length !== edges) {
    throw new Error(`per-edge ops of '${cell}' list ${perEdge.length} edges, but a cell of this size has ${edges}`);
  }
  return perEdge;
}

/**
 * The discrete DARTS cell pair of a search's architecture weights (DARTS, Liu et al. ICLR 2019):
 * `alphaNormal` / `alphaReduce` have one row per edge (node 0's two inputs, node 1's three, ...),
 * one weight per candidate op; concat is every intermediate node, 2..nodes+1. `edgeScale`: PC-DARTS's
 * edge normalization weights per edge (node-wise softmax of β), which weigh each edge's strength.
 */
export function deriveDartsGenotype(
  alphaNormal: readonly (readonly number[])[],
  alphaReduce: readonly (readonly number[])[],
  ops: DartsEdgeOps,
  nodes: number,
  edgeScale?: { normal: readonly number[]; reduce: readonly number[] },
): DartsGenotype {
  if (!Number.isInteger(nodes) || nodes < 1) throw new Error(`nodes must be a positive integer, got ${nodes}`);
  const edges = dartsEdgeCount(nodes);
  for (const [cell, alpha] of [['normal', alphaNormal], ['reduce', alphaReduce]] as const) {
    if (alpha.length !== edges) {
      throw new Error(`alpha ${cell} has ${alpha.length} rows, but a cell of ${nodes} nodes has ${edges} edges`);
    }
  }
  const concat = Array.from({ length: nodes }, (_, i) => i + 2);
  return {
    space: 'darts',
    normal: parseDartsCell(alphaNormal, edgeOpsFor(ops, 'normal', edges), nodes, 'normal', edgeScale?.normal),
    normal_concat: concat,
    reduce: parseDartsCell(alphaReduce, edgeOpsFor(ops, 'reduce', edges), nodes, 'reduce', edgeScale?.reduce),
    reduce_concat: [...concat],
  };
}

/** NAS-Bench-201's edges in arch-string order: node 1 <- 0, node 2 <- 0, 1, node 3 <- 0, 1, 2. */
export const NB201_EDGES: readonly { node: number; input: number }[] = [
  { node: 1, input: 0 },
  { node: 2, input: 0 },
  { node: 2, input: 1 },
  { node: 3, input: 0 },
  { node: 3, input: 1 },
  { node: 3, input: 2 },
];

/** Builds `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|` from six ops in NB201_EDGES order. */
export function nb201ArchString(edgeOps: readonly string[]): string {
  if (edgeOps.length !== NB201_EDGES.length) throw new Error(`an NB201 cell has 6 edges, got ${edgeOps.length} ops`);
  const nodes = [1, 2, 3].map((node) =>
    NB201_EDGES.map((e, i) => ({ ...e, op: edgeOps[i] }))
      .filter((e) => e.node === node)
      .map((e) => `${e.op}~${e.input}`)
      .join('|'),
  );
  return `|${nodes.join('|+|')}|`;
}

/**
 * The NAS-Bench-201 cell of a search's weights: per edge the op of largest weight, `none` included
 * (as AutoDL-Projects' `genotype()`; the first maximum wins a tie). Rows in NB201_EDGES order.
 */
export function deriveNb201Genotype(alpha: readonly (readonly number[])[], ops: readonly string[] = NB201_OPS): Nb201Genotype {
  if (alpha.length !== NB201_EDGES.length) throw new Error(`NB201 alpha has ${alpha.length} rows, but the cell has 6 edges`);
  const chosen = alpha.map((row, edge) => {
    checkAlphaRow(row, ops.length, `NB201 alpha row ${edge}`);
    let best = 0;
    for (let k = 1; k < row.length; k++) if (row[k] > row[best]) best = k;
    return ops[best];
  });
  return { space: 'nb201', arch: nb201ArchString(chosen) };
}
