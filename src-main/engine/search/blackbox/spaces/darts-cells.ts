import type { DartsGenotype } from '../../../../../src-shared/model/genotype';
import type { Rng } from '../../../../../src-shared/model/rng';
import { DartsSpace } from '../../../../../src-shared/model/space';
import type { CellSpace } from './cell-space';

export type DartsCellKind = 'normal' | 'reduce';
type Kind = DartsCellKind;
export const DARTS_CELL_KINDS: readonly Kind[] = ['normal', 'reduce'];
const KINDS = DARTS_CELL_KINDS;

/** A DARTS cell pair as DARTS's genotype lists: per intermediate node two `[op, input]`, inputs ascending. */
export interface DartsCellPair {
  normal: [string, number][];
  reduce: [string, number][];
}

/**
 * The discrete DARTS cell space (DARTS's genotypes, NASLib's `DartsSearchSpace`): each intermediate
 * node i of both cells takes two distinct inputs among the cell inputs and earlier nodes (0..i+1),
 * each through one op of that edge other than `none`. One step changes one op or one input of one
 * node; `mutate` draws one of those steps uniformly. Per-edge op sets (RobustDARTS S1–S4) are
 * honoured: an input change keeps the op when the new edge offers it, else it is one of that edge's.
 */
export class DartsCells implements CellSpace<DartsCellPair> {
  readonly kind = 'darts' as const;
  readonly size: number;
  readonly nodes: number;
  /** Every op (without `none`) some edge offers, in the space's order: the encodings' op alphabet. */
  readonly opList: readonly string[];
  /** The ops (without `none`) of each supernet edge, per cell kind, in DARTS edge order. */
  private readonly edgeChoices: Record<Kind, string[][]>;

  constructor(input: unknown) {
    const space = DartsSpace.parse(input);
    this.nodes = space.nodes;
    const choices = (kind: Kind): string[][] => {
      const lists: string[][] = [];
      for (let node = 0; node < space.nodes; node++) {
        for (let from = 0; from < node + 2; from++) {
          const ops = space.edgeOps ? space.edgeOps[kind][lists.length] : space.ops;
          lists.push(ops.filter((op) => op !== 'none'));
        }
      }
      return lists;
    };
    this.edgeChoices = { normal: choices('normal'), reduce: choices('reduce') };
    const offered = new Set(KINDS.flatMap((kind) => this.edgeChoices[kind].flat()));
    this.opList = [...new Set([...space.ops, ...(space.edgeOps ? KINDS.flatMap((k) => space.edgeOps![k].flat()) : [])])].filter((op) => offered.has(op));
    let size = 1;
    for (const kind of KINDS) {
      for (let node = 0; node < this.nodes; node++) {
        const widths = this.inputs(node).map((from) => this.ops(kind, node, from).length);
        let pairs = 0;
        for (let a = 0; a < widths.length; a++) for (let b = a + 1; b < widths.length; b++) pairs += widths[a] * widths[b];
        if (pairs === 0) throw new RangeError(`node ${node} of the ${kind} cell has fewer than two inputs with an op other than none: no DARTS cell fits this space`);
        size *= pairs;
      }
    }
    this.size = size;
  }

  sample(rng: Rng): DartsCellPair {
    const cell = (kind: Kind): [string, number][] =>
      Array.from({ length: this.nodes }, (_, node) => {
        const usable = this.inputs(node).filter((from) => this.ops(kind, node, from).length > 0);
        const first = rng.pick(usable);
        const second = rng.pick(usable.filter((from) => from !== first));
        return [first, second].sort((a, b) => a - b).map((from): [string, number] => [rng.pick(this.ops(kind, node, from)), from]);
      }).flat();
    return { normal: cell('normal'), reduce: cell('reduce') };
  }

  mutate(arch: DartsCellPair, rng: Rng): DartsCellPair {
    const options = this.neighbours(arch);
    if (options.length === 0) throw new RangeError('this DARTS space has a single cell pair: there is nothing to mutate to');
    return rng.pick(options);
  }

  /** Every pair that differs in one op, or one input (its op kept when allowed), of one node. */
  neighbours(arch: DartsCellPair): DartsCellPair[] {
    this.check(arch);
    const out: DartsCellPair[] = [];
    for (const kind of KINDS) {
      const cell = arch[kind];
      cell.forEach(([op, from], slot) => {
        const node = Math.floor(slot / 2);
        const other = cell[slot ^ 1][1];
        const replace = (pair: [string, number]) => {
          const next = cell.map((p) => [...p] as [string, number]);
          next[slot] = pair;
          const [a, b] = [next[2 * node], next[2 * node + 1]];
          if (a[1] > b[1]) [next[2 * node], next[2 * node + 1]] = [b, a];
          out.push({ ...arch, [kind]: next } as DartsCellPair);
        };
        for (const alt of this.ops(kind, node, from)) if (alt !== op) replace([alt, from]);
        for (const to of this.inputs(node)) {
          if (to === from || to === other) continue;
          const ops = this.ops(kind, node, to);
          if (ops.includes(op)) replace([op, to]);
          else for (const alt of ops) replace([alt, to]);
        }
      });
    }
    return out;
  }

  /** Per cell kind and supernet edge, a one-hot block over that edge's ops (all zeros when the edge is unused). */
  encode(arch: DartsCellPair): number[] {
    this.check(arch);
    return KINDS.flatMap((kind) => {
      const used = new Map(arch[kind].map(([op, from], slot) => [`${Math.floor(slot / 2)}:${from}`, op]));
      return this.edgeChoices[kind].flatMap((ops, edge) => {
        const { node, from } = this.edgeAt(edge);
        const op = used.get(`${node}:${from}`);
        return ops.map((o) => (o === op ? 1 : 0));
      });
    });
  }

  key(arch: DartsCellPair): string {
    const cell = (pairs: [string, number][]) => pairs.map(([op, from]) => `${op}~${from}`).join(',');
    return `normal:${cell(arch.normal)}|reduce:${cell(arch.reduce)}`;
  }

  toGenotype(arch: DartsCellPair): DartsGenotype {
    this.check(arch);
    const concat = Array.from({ length: this.nodes }, (_, i) => i + 2);
    return { space: 'darts', normal: arch.normal.map((p) => [...p]), normal_concat: concat, reduce: arch.reduce.map((p) => [...p]), reduce_concat: [...concat] };
  }

  /** The inputs node `node` may read: the two cell inputs and the earlier nodes. */
  private inputs(node: number): number[] {
    return Array.from({ length: node + 2 }, (_, from) => from);
  }

  /** The ops (without `none`) the edge from `from` into intermediate node `node` offers. */
  ops(kind: Kind, node: number, from: number): string[] {
    return this.edgeChoices[kind][(node * (node + 3)) / 2 + from];
  }

  /** Supernet edge `edge` (DARTS edge order) as the node it enters and the input it reads. */
  edgeAt(edge: number): { node: number; from: number } {
    let node = 0;
    while (((node + 1) * (node + 4)) / 2 <= edge) node++;
    return { node, from: edge - (node * (node + 3)) / 2 };
  }

  /** Edges of one cell: `(nodes · (nodes + 3)) / 2`. */
  get edgeCount(): number {
    return this.edgeChoices.normal.length;
  }

  /**
   * The pair a genotype of this space describes (DARTS's lists; concat must be every intermediate
   * node). Each node's two pairs are put in ascending input order, as published genotypes (DARTS-V2)
   * do not always list them so.
   */
  fromGenotype(genotype: DartsGenotype): DartsCellPair {
    const concat = Array.from({ length: this.nodes }, (_, i) => i + 2);
    for (const kind of KINDS) {
      const got = genotype[`${kind}_concat`];
      if (got.length !== concat.length || got.some((n, i) => n !== concat[i])) throw new RangeError(`${kind}_concat [${got.join(', ')}] is not [${concat.join(', ')}]: this space concatenates every intermediate node`);
    }
    const sorted = (pairs: [string, number][]): [string, number][] => {
      const out = pairs.map((p) => [...p] as [string, number]);
      for (let i = 0; i + 1 < out.length; i += 2) if (out[i][1] > out[i + 1][1]) [out[i], out[i + 1]] = [out[i + 1], out[i]];
      return out;
    };
    const arch = { normal: sorted(genotype.normal), reduce: sorted(genotype.reduce) };
    this.check(arch);
    return arch;
  }

  /** Throws a RangeError saying what is wrong when `arch` is not a cell pair of this space. */
  check(arch: DartsCellPair): void {
    for (const kind of KINDS) {
      const cell = arch[kind];
      if (!Array.isArray(cell) || cell.length !== 2 * this.nodes) throw new RangeError(`a ${kind} cell of this space has ${2 * this.nodes} [op, input] pairs, got ${Array.isArray(cell) ? cell.length : typeof cell}`);
      cell.forEach(([op, from], slot) => {
        const node = Math.floor(slot / 2);
        if (!Number.isInteger(from) || from < 0 || from > node + 1 || !this.ops(kind, node, from).includes(op)) {
          throw new RangeError(`[${op}, ${from}] is not an input of node ${node} of the ${kind} cell with one of its ops`);
        }
      });
      for (let node = 0; node < this.nodes; node++) {
        if (cell[2 * node][1] >= cell[2 * node + 1][1]) throw new RangeError(`node ${node} of the ${kind} cell needs two distinct inputs in ascending order`);
      }
    }
  }
}
