import { NB201_OPS, type Nb201Op } from '../../../../../src-shared/model/space';
import type { Nb201Genotype } from '../../../../../src-shared/model/genotype';
import type { Rng } from '../../../../../src-shared/model/rng';
import type { CellSpace } from './cell-space';

/** NB201's six edges `[from, to]` in arch-string order: node 1 ← 0; node 2 ← 0, 1; node 3 ← 0, 1, 2. */
export const NB201_EDGES: readonly (readonly [number, number])[] = [
  [0, 1],
  [0, 2],
  [1, 2],
  [0, 3],
  [1, 3],
  [2, 3],
];
const EDGE_COUNT = NB201_EDGES.length;

/**
 * Every input-to-output path of the cell as the edges it crosses, in arch-string edge order: 0→3,
 * 0→1→3, 0→2→3, 0→1→2→3 (NASLib's `path_blueprints` for NAS-Bench-201).
 */
const PATHS: readonly (readonly number[])[] = [[3], [0, 4], [1, 5], [0, 2, 5]];

/**
 * The NAS-Bench-201 cell space over a chosen op list (the full benchmark uses all five ops; tests use
 * two or three for a space small enough to reason about by hand). A cell is an integer index in
 * [0, ops^6): the edges' op positions as base-`ops` digits, the first edge of the arch string the
 * most significant. This index is ours; NB201's own arch index follows another order.
 */
export class Nb201Cells implements CellSpace<number> {
  readonly kind = 'nb201' as const;
  readonly ops: readonly Nb201Op[];
  readonly size: number;
  private readonly opIndex: Map<string, number>;

  constructor(ops: readonly Nb201Op[] = NB201_OPS) {
    if (ops.length < 2) throw new RangeError(`an NB201 cell space needs at least two ops, got [${ops.join(', ')}]`);
    if (new Set(ops).size !== ops.length) throw new RangeError(`NB201 ops repeat: [${ops.join(', ')}]`);
    this.ops = [...ops];
    this.size = ops.length ** EDGE_COUNT;
    this.opIndex = new Map(ops.map((op, i) => [op, i]));
  }

  /** The op position of each edge, in arch-string edge order. */
  edgeOps(index: number): number[] {
    this.check(index);
    const n = this.ops.length;
    const digits = new Array<number>(EDGE_COUNT);
    let rest = index;
    for (let e = EDGE_COUNT - 1; e >= 0; e--) {
      digits[e] = rest % n;
      rest = Math.floor(rest / n);
    }
    return digits;
  }

  fromEdgeOps(digits: readonly number[]): number {
    if (digits.length !== EDGE_COUNT) throw new RangeError(`an NB201 cell has ${EDGE_COUNT} edges, got ${digits.length}`);
    const n = this.ops.length;
    let index = 0;
    for (const d of digits) {
      if (!Number.isInteger(d) || d < 0 || d >= n) throw new RangeError(`op position ${d} is outside 0..${n - 1}`);
      index = index * n + d;
    }
    return index;
  }

  /** `|op~0|+|op~0|op~1|+|op~0|op~1|op~2|`, NB201's canonical string and the benchmark's key. */
  toArchString(index: number): string {
    const ops = this.edgeOps(index).map((d) => this.ops[d]);
    const node = (to: number): string =>
      '|' + NB201_EDGES.flatMap(([from, t], e) => (t === to ? [`${ops[e]}~${from}`] : [])).join('|') + '|';
    return [node(1), node(2), node(3)].join('+');
  }

  fromArchString(arch: string): number {
    const nodes = arch.split('+');
    const digits: number[] = [];
    const bad = (why: string): Error =>
      new RangeError(`"${arch}" is not an NB201 arch string over [${this.ops.join(', ')}]: ${why}`);
    if (nodes.length !== 3) throw bad('it needs three "+"-joined nodes like |op~0|+|op~0|op~1|+|op~0|op~1|op~2|');
    nodes.forEach((node, i) => {
      const inputs = node.split('|').filter((s) => s.length > 0);
      if (!node.startsWith('|') || !node.endsWith('|') || inputs.length !== i + 1) throw bad(`node ${i + 1} needs ${i + 1} inputs`);
      inputs.forEach((input, from) => {
        const [op, src] = input.split('~');
        if (src !== String(from)) throw bad(`input "${input}" of node ${i + 1} should read from node ${from}`);
        const d = this.opIndex.get(op);
        if (d === undefined) throw bad(`unknown op "${op}"`);
        digits.push(d);
      });
    });
    return this.fromEdgeOps(digits);
  }

  /** The cell's arch string. */
  key(index: number): string {
    return this.toArchString(index);
  }

  /** The one-hot adjacency encoding as a dense vector. */
  encode(index: number): number[] {
    const out = new Array<number>(this.adjacencyLength).fill(0);
    for (const i of this.adjacencyOnes(index)) out[i] = 1;
    return out;
  }

  toGenotype(index: number): Nb201Genotype {
    return { space: 'nb201', arch: this.toArchString(index) };
  }

  sample(rng: Rng): number {
    return rng.int(this.size);
  }

  /** One edge, chosen uniformly, gets a different op, chosen uniformly (NASLib's NB201 `mutate`). */
  mutate(index: number, rng: Rng): number {
    const digits = this.edgeOps(index);
    const e = rng.int(EDGE_COUNT);
    const shift = 1 + rng.int(this.ops.length - 1);
    digits[e] = (digits[e] + shift) % this.ops.length;
    return this.fromEdgeOps(digits);
  }

  /** Every cell that differs in exactly one edge, in increasing index order: 6 × (ops − 1) of them. */
  neighbours(index: number): number[] {
    const digits = this.edgeOps(index);
    const out: number[] = [];
    for (let e = 0; e < EDGE_COUNT; e++) {
      for (let d = 0; d < this.ops.length; d++) {
        if (d === digits[e]) continue;
        const next = digits.slice();
        next[e] = d;
        out.push(this.fromEdgeOps(next));
      }
    }
    return out.sort((a, b) => a - b);
  }

  /** Length of the one-hot adjacency encoding: one block of `ops` per edge. */
  get adjacencyLength(): number {
    return EDGE_COUNT * this.ops.length;
  }

  /** Positions of the ones in the one-hot adjacency encoding (BANANAS's "adjacency one-hot"). */
  adjacencyOnes(index: number): number[] {
    return this.edgeOps(index).map((d, e) => e * this.ops.length + d);
  }

  /** Length of the path encoding: every op sequence of length 1, 2 and 3. */
  get pathLength(): number {
    const n = this.ops.length;
    return n + n * n + n * n * n;
  }

  /**
   * Positions of the ones in the path encoding (BANANAS, White et al. AAAI 2021; NB201 layout as in
   * NASLib): one feature per op sequence, set when some input-to-output path carries it. Paths
   * through `none` keep their feature, as in NASLib. The two length-2 paths share one block, so
   * a cell has three or four ones.
   */
  pathOnes(index: number): number[] {
    const digits = this.edgeOps(index);
    const n = this.ops.length;
    const ones = new Set<number>();
    for (const path of PATHS) {
      let offset = 0;
      for (let len = 1; len < path.length; len++) offset += n ** len;
      let code = 0;
      path.forEach((edge, j) => (code += digits[edge] * n ** j));
      ones.add(offset + code);
    }
    return [...ones].sort((a, b) => a - b);
  }

  private check(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError(`cell index ${index} is outside 0..${this.size - 1}`);
    }
  }
}
