import { z } from 'zod';
import { DARTS_OPS, DartsOp, NB201_OPS } from '../../src-shared/model/space';
import { NB201_EDGES } from '../../src-shared/model/genotype-derive';

/**
 * The `alphas` artifact a one-shot run reports every epoch (src-main/engine/search/oneshot/epoch-report.ts,
 * `AlphaSnapshot`): the space and, per cell type, each edge's op names and raw α row. Parsed here
 * because artifacts cross the contract as `unknown`.
 */
export const AlphasArtifact = z.object({
  space: z.object({ kind: z.enum(['darts', 'nb201']), nodes: z.number().int().optional() }).loose(),
  cells: z.array(z.object({ kind: z.string(), edgeOps: z.array(z.array(z.string())), alpha: z.array(z.array(z.number())) })),
});
export type AlphasArtifact = z.infer<typeof AlphasArtifact>;

export type HeatmapData = {
  kind: string;
  /** Column names: every op used on some edge, in the space's vocabulary order. */
  ops: string[];
  /** Row names, one per edge: `2 ← c_{k-1}` (node ← input). */
  edges: string[];
  /** [op column, edge row, softmax(α)]; an op an edge does not have gets no cell. */
  cells: [number, number, number][];
};

export function softmax(row: readonly number[]): number[] {
  const max = Math.max(...row);
  const exp = row.map((v) => Math.exp(v - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((v) => v / sum);
}

/** Node and input of each edge in the order the α rows come: DARTS (node i reads 2 + i states) or NB201. */
export function edgeNames(space: AlphasArtifact['space'], edgeCount: number): string[] {
  if (space.kind === 'nb201') return NB201_EDGES.slice(0, edgeCount).map((e) => `${e.node} ← ${e.input}`);
  const state = (s: number): string => (s === 0 ? 'c_{k-2}' : s === 1 ? 'c_{k-1}' : String(s - 2));
  const names: string[] = [];
  for (let node = 0; names.length < edgeCount; node++) {
    for (let input = 0; input < node + 2 && names.length < edgeCount; input++) names.push(`${node} ← ${state(input)}`);
  }
  return names;
}

const VOCABULARY: readonly string[] = [...DARTS_OPS, ...DartsOp.options.filter((o) => !(DARTS_OPS as readonly string[]).includes(o)), ...NB201_OPS];

/** softmax(α) per edge of one cell type, laid out for a heatmap. Throws when rows and op lists disagree. */
export function alphaHeatmap(snapshot: AlphasArtifact, kind: string): HeatmapData {
  const cell = snapshot.cells.find((c) => c.kind === kind);
  if (!cell) throw new Error(`the alphas have no '${kind}' cell (cells: ${snapshot.cells.map((c) => c.kind).join(', ')})`);
  if (cell.alpha.length !== cell.edgeOps.length) {
    throw new Error(`'${kind}' has ${cell.alpha.length} α rows but ${cell.edgeOps.length} edge op lists`);
  }
  const used = new Set(cell.edgeOps.flat());
  const known = VOCABULARY.filter((op, i) => used.has(op) && VOCABULARY.indexOf(op) === i);
  const ops = [...known, ...[...used].filter((op) => !VOCABULARY.includes(op)).sort()];
  const cells: [number, number, number][] = [];
  cell.alpha.forEach((row, e) => {
    const names = cell.edgeOps[e];
    if (row.length !== names.length) throw new Error(`'${kind}' edge ${e} has ${row.length} α values for ${names.length} ops`);
    softmax(row).forEach((p, k) => cells.push([ops.indexOf(names[k]), e, p]));
  });
  return { kind, ops, edges: edgeNames(snapshot.space, cell.alpha.length), cells };
}
