import type { CellGraph } from './cell-space';
import { DARTS_CELL_KINDS, type DartsCellKind, type DartsCellPair, type DartsCells } from './darts-cells';

/**
 * Encodings of a DARTS cell pair for the predictors (two cells of `nodes` intermediate nodes each):
 * - adjacency one-hot: `DartsCells.encode` (per cell and supernet edge a one-hot block over that
 *   edge's ops; an unused edge is all zeros); `decodeAdjacency` inverts it.
 * - path: one bit per (cell, cell input, op sequence) of every path from a cell input to the cell's
 *   output (every intermediate node feeds the output), sequences of 1..nodes ops over `opList`
 *   (BANANAS's path encoding, White et al. AAAI 2021, extended to DARTS's two inputs and two cells
 *   as the authors' naszilla code does, without its cutoff: the encoding is sparse, ≤ 2^(nodes+1)
 *   ones per cell).
 * - graph: per cell the ops-on-nodes graph `[in0, in1, (op, op, sum) per node, out]`
 *   (3 · nodes + 3 nodes); `decodeGraphs` inverts it.
 */
export class DartsEncodings {
  /** Node types: 0 and 1 the cell inputs, 2.. the ops of `opList`, then `sum`, then `out`. */
  readonly nodeTypes: number;
  readonly graphNodes: number;
  readonly pathLength: number;
  readonly adjacencyLength: number;
  private readonly opIndex: Map<string, number>;
  private readonly blockLength: number;

  constructor(readonly cells: DartsCells) {
    const k = cells.opList.length;
    this.opIndex = new Map(cells.opList.map((op, i) => [op, i]));
    this.nodeTypes = k + 4;
    this.graphNodes = 3 * cells.nodes + 3;
    let block = 0;
    for (let len = 1; len <= cells.nodes; len++) block += k ** len;
    this.blockLength = block;
    this.pathLength = 2 * DARTS_CELL_KINDS.length * block;
    let adjacency = 0;
    for (const kind of DARTS_CELL_KINDS) {
      for (let edge = 0; edge < cells.edgeCount; edge++) {
        const { node, from } = cells.edgeAt(edge);
        adjacency += cells.ops(kind, node, from).length;
      }
    }
    this.adjacencyLength = adjacency;
  }

  /** Positions of the ones in the adjacency one-hot encoding (`DartsCells.encode`). */
  adjacencyOnes(arch: DartsCellPair): number[] {
    return this.cells.encode(arch).flatMap((bit, i) => (bit === 1 ? [i] : []));
  }

  /** The pair an adjacency one-hot vector encodes; a RangeError when it is not one. */
  decodeAdjacency(vector: readonly number[]): DartsCellPair {
    const { cells } = this;
    const pair = { normal: [] as [string, number][], reduce: [] as [string, number][] };
    let at = 0;
    for (const kind of DARTS_CELL_KINDS) {
      for (let edge = 0; edge < cells.edgeCount; edge++) {
        const { node, from } = cells.edgeAt(edge);
        const ops = cells.ops(kind, node, from);
        const set = ops.flatMap((op, j) => (vector[at + j] === 1 ? [op] : []));
        at += ops.length;
        if (set.length > 1) throw new RangeError(`edge ${edge} of the ${kind} cell has ${set.length} ops set; an adjacency encoding has at most one`);
        if (set.length === 1) pair[kind].push([set[0], from]);
      }
    }
    if (at !== vector.length) throw new RangeError(`an adjacency encoding of this space has ${at} entries, got ${vector.length}`);
    cells.check(pair);
    return pair;
  }

  /** Positions of the ones in the path encoding, ascending. */
  pathOnes(arch: DartsCellPair): number[] {
    this.cells.check(arch);
    const k = this.cells.opList.length;
    const ones = new Set<number>();
    DARTS_CELL_KINDS.forEach((kind, c) => {
      // paths[i]: every path into intermediate node i as [cell input, op positions from the input on]
      const paths: [number, number[]][][] = [];
      for (let node = 0; node < this.cells.nodes; node++) {
        paths.push(
          arch[kind].slice(2 * node, 2 * node + 2).flatMap(([op, from]): [number, number[]][] => {
            const o = this.opIndex.get(op) as number;
            return from < 2 ? [[from, [o]]] : paths[from - 2].map(([input, seq]) => [input, [...seq, o]]);
          }),
        );
      }
      for (const [input, seq] of paths.flat()) {
        let offset = (2 * c + input) * this.blockLength;
        for (let len = 1; len < seq.length; len++) offset += k ** len;
        ones.add(offset + seq.reduce((code, o, j) => code + o * k ** j, 0));
      }
    });
    return [...ones].sort((a, b) => a - b);
  }

  /** The normal and the reduction cell as graphs. */
  graphs(arch: DartsCellPair): CellGraph[] {
    this.cells.check(arch);
    return DARTS_CELL_KINDS.map((kind) => this.graph(arch[kind]));
  }

  /** The pair two cell graphs describe; a RangeError when they are not graphs of this space. */
  decodeGraphs(graphs: readonly CellGraph[]): DartsCellPair {
    if (graphs.length !== 2) throw new RangeError(`a DARTS cell pair is two graphs, got ${graphs.length}`);
    const n = this.graphNodes;
    const k = this.cells.opList.length;
    const decode = ({ types, adj }: CellGraph, kind: DartsCellKind): [string, number][] =>
      Array.from({ length: 2 * this.cells.nodes }, (_, slot): [string, number] => {
        const at = 3 * Math.floor(slot / 2) + 2 + (slot % 2);
        const t = types[at] - 2;
        if (!(t >= 0 && t < k)) throw new RangeError(`node ${at} of the ${kind} graph has type ${types[at]}, not an op`);
        const preds = Array.from({ length: n }, (_, i) => i).filter((i) => adj[i * n + at] === 1);
        if (preds.length !== 1) throw new RangeError(`op node ${at} of the ${kind} graph has ${preds.length} inputs, not 1`);
        const p = preds[0];
        return [this.cells.opList[t], p < 2 ? p : (p - 4) / 3 + 2];
      });
    const pair = { normal: decode(graphs[0], 'normal'), reduce: decode(graphs[1], 'reduce') };
    this.cells.check(pair);
    return pair;
  }

  private graph(cell: [string, number][]): CellGraph {
    const n = this.graphNodes;
    const k = this.cells.opList.length;
    const sumNode = (node: number): number => 3 * node + 4;
    const types = [0, 1];
    const adj = new Float64Array(n * n);
    for (let node = 0; node < this.cells.nodes; node++) {
      for (const [op, from] of cell.slice(2 * node, 2 * node + 2)) {
        const at = types.length;
        types.push(2 + (this.opIndex.get(op) as number));
        adj[(from < 2 ? from : sumNode(from - 2)) * n + at] = 1;
        adj[at * n + sumNode(node)] = 1;
      }
      types.push(2 + k);
      adj[sumNode(node) * n + (n - 1)] = 1;
    }
    types.push(3 + k);
    return { types, adj };
  }
}
