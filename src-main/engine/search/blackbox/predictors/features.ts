import type { CellGraph, CellSpace } from '../spaces/cell-space';
import { DartsCells, type DartsCellPair } from '../spaces/darts-cells';
import { DartsEncodings } from '../spaces/darts-encodings';
import { NB201_EDGES, Nb201Cells } from '../spaces/nb201-cells';

export const ENCODINGS = ['path', 'adjacency'] as const;
export type EncodingKind = (typeof ENCODINGS)[number];

/**
 * What a predictor reads of a cell, whatever its space: a sparse 0/1 vector (the path or the
 * adjacency one-hot encoding, as the positions of its ones) and the cell's graphs (NB201: one graph
 * of 8 nodes; DARTS: the normal and the reduction cell, 3 · nodes + 3 nodes each).
 */
export interface ArchFeatures<A> {
  readonly cells: CellSpace<A>;
  readonly encoding: EncodingKind;
  /** Length of the vector `ones` indexes into. */
  readonly length: number;
  ones(arch: A): number[];
  readonly nodeTypes: number;
  readonly graphNodes: number;
  readonly graphCount: number;
  graphs(arch: A): CellGraph[];
}

/** The features of a cell space (NB201's or DARTS's), with the vector encoding `encoding`. */
export function archFeatures<A>(cells: CellSpace<A>, encoding: EncodingKind): ArchFeatures<A> {
  if (cells instanceof Nb201Cells) return nb201Features(cells, encoding) as unknown as ArchFeatures<A>;
  if (cells instanceof DartsCells) return dartsFeatures(cells, encoding) as unknown as ArchFeatures<A>;
  throw new RangeError(`the predictors read NB201 and DARTS cells, not ${cells.kind}`);
}

function nb201Features(cells: Nb201Cells, encoding: EncodingKind): ArchFeatures<number> {
  const k = cells.ops.length;
  const n = NB201_EDGES.length + 2;
  // input → edges leaving node 0; edge f → edge e when f ends where e starts; edges into node 3 → output
  const adj = new Float64Array(n * n);
  NB201_EDGES.forEach(([from, to], e) => {
    if (from === 0) adj[1 + e] = 1;
    NB201_EDGES.forEach(([, end], f) => end === from && (adj[(1 + f) * n + 1 + e] = 1));
    if (to === 3) adj[(1 + e) * n + n - 1] = 1;
  });
  return {
    cells,
    encoding,
    length: encoding === 'path' ? cells.pathLength : cells.adjacencyLength,
    ones: (arch) => (encoding === 'path' ? cells.pathOnes(arch) : cells.adjacencyOnes(arch)),
    nodeTypes: k + 2,
    graphNodes: n,
    graphCount: 1,
    graphs: (arch) => [{ types: [0, ...cells.edgeOps(arch).map((d) => d + 1), k + 1], adj }],
  };
}

function dartsFeatures(cells: DartsCells, encoding: EncodingKind): ArchFeatures<DartsCellPair> {
  const enc = new DartsEncodings(cells);
  return {
    cells,
    encoding,
    length: encoding === 'path' ? enc.pathLength : enc.adjacencyLength,
    ones: (arch) => (encoding === 'path' ? enc.pathOnes(arch) : enc.adjacencyOnes(arch)),
    nodeTypes: enc.nodeTypes,
    graphNodes: enc.graphNodes,
    graphCount: 2,
    graphs: (arch) => enc.graphs(arch),
  };
}

/** Extra one-hot inputs appended after a cell's encoding (BANANAS's zero-cost proxy feature): `size` of them, `ones` a cell's active ones. */
export interface ExtraOnes<A> {
  readonly size: number;
  ones(arch: A): number[];
}

/** The features with `extra`'s inputs after the encoding's: the 0/1-encoding predictors (MLP, GP) read them; the graph ones do not. */
export function withExtraOnes<A>(features: ArchFeatures<A>, extra: ExtraOnes<A>): ArchFeatures<A> {
  return { ...features, length: features.length + extra.size, ones: (arch) => [...features.ones(arch), ...extra.ones(arch).map((i) => features.length + i)] };
}
