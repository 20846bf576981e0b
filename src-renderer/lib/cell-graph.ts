import type { DartsGenotype, Genotype } from '../../src-shared/model/genotype';
import { NB201_EDGES } from '../../src-shared/model/genotype-derive';
import type { SearchSpace } from '../../src-shared/model/space';

/**
 * A discrete cell as a drawable DAG, left to right as DARTS's `visualize.py` (graphviz, rankdir=LR)
 * draws it: the inputs, the intermediate nodes in order, the output. Pure geometry, so the SVG
 * component only draws and the tests check the graph.
 */

export type NodeRole = 'input' | 'intermediate' | 'output';
export type CellNode = { id: string; label: string; sub?: string; role: NodeRole; x: number; y: number };
export type CellEdge = { from: string; to: string; op: string | null; path: string; labelX: number; labelY: number };
export type CellGraph = { title: string; width: number; height: number; nodes: CellNode[]; edges: CellEdge[]; concat: CellEdge[] };

const RANK_GAP = 175;
const ROW_GAP = 170;
/** Intermediate nodes sit alternately above and below the middle, so edges that skip a node pass beside it. */
const ZIGZAG = 46;
const MARGIN_X = 50;
const MARGIN_Y = 40;
/** Width of an op label box per character at the diagram's 11 px monospace font, plus padding. */
export const LABEL_CHAR_WIDTH = 6.7;
export const LABEL_HEIGHT = 16;
export const NODE_RADIUS = 20;

type Abstract = { nodes: Omit<CellNode, 'x' | 'y'>[]; edges: { from: string; to: string; op: string | null }[]; concat: string[] };

function dartsCell(genotype: DartsGenotype, kind: 'normal' | 'reduce'): Abstract {
  const pairs = genotype[kind];
  const concat = genotype[`${kind}_concat`];
  const steps = pairs.length / 2;
  const stateId = (s: number): string => (s === 0 ? 'c_k-2' : s === 1 ? 'c_k-1' : String(s - 2));
  const nodes: Abstract['nodes'] = [
    { id: 'c_k-2', label: 'c', sub: 'k-2', role: 'input' },
    { id: 'c_k-1', label: 'c', sub: 'k-1', role: 'input' },
    ...Array.from({ length: steps }, (_, i) => ({ id: String(i), label: String(i), role: 'intermediate' as const })),
    { id: 'c_k', label: 'c', sub: 'k', role: 'output' },
  ];
  const edges = pairs.map(([op, input], e) => ({ from: stateId(input), to: String(Math.floor(e / 2)), op }));
  return { nodes, edges, concat: concat.map(stateId) };
}

/** The ops of an NB201 arch string, in NB201_EDGES order. */
function nb201Ops(arch: string): string[] {
  return arch
    .slice(1, -1)
    .split('|+|')
    .flatMap((group) => group.split('|').map((edge) => edge.split('~')[0]));
}

/** NAS-Bench-201's cell with one label per edge (NB201_EDGES order). */
function nb201Cell(ops: readonly string[]): Abstract {
  const nodes: Abstract['nodes'] = [
    { id: '0', label: '0', role: 'input' },
    { id: '1', label: '1', role: 'intermediate' },
    { id: '2', label: '2', role: 'intermediate' },
    { id: '3', label: '3', role: 'output' },
  ];
  const edges = NB201_EDGES.map((e, i) => ({ from: String(e.input), to: String(e.node), op: ops[i] }));
  return { nodes, edges, concat: [] };
}

/**
 * Columns: the inputs first, then one column per intermediate node in order (a staircase, so the
 * edges into different nodes spread out and their labels do not pile up), the output last.
 */
function ranks(cell: Abstract): Map<string, number> {
  const rank = new Map<string, number>();
  let next = 1;
  for (const n of cell.nodes) rank.set(n.id, n.role === 'input' ? 0 : next++);
  return rank;
}

type Box = { x: number; y: number; w: number; h: number };
const overlaps = (a: Box, b: Box): boolean => Math.abs(a.x - b.x) * 2 < a.w + b.w && Math.abs(a.y - b.y) * 2 < a.h + b.h;

/** A quadratic curve between two nodes, bowed so edges that share ends do not coincide. */
function curve(a: CellNode, b: CellNode, bow: number): { path: string; at: (t: number) => { x: number; y: number } } {
  const mx = (a.x + b.x) / 2;
  const my = (a.y + b.y) / 2;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  const cx = mx - (dy / len) * bow;
  const cy = my + (dx / len) * bow;
  const at = (t: number) => ({
    x: (1 - t) ** 2 * a.x + 2 * (1 - t) * t * cx + t ** 2 * b.x,
    y: (1 - t) ** 2 * a.y + 2 * (1 - t) * t * cy + t ** 2 * b.y,
  });
  return { path: `M${a.x.toFixed(1)},${a.y.toFixed(1)} Q${cx.toFixed(1)},${cy.toFixed(1)} ${b.x.toFixed(1)},${b.y.toFixed(1)}`, at };
}

const LABEL_POSITIONS = [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78, 0.15, 0.85];

function layout(cell: Abstract, title: string): CellGraph {
  const rank = ranks(cell);
  const maxRank = Math.max(...rank.values());
  const byRank = Array.from({ length: maxRank + 1 }, (_, r) => cell.nodes.filter((n) => rank.get(n.id) === r));
  const rows = Math.max(...byRank.map((r) => r.length));
  const height = 2 * MARGIN_Y + Math.max((rows - 1) * ROW_GAP, 2 * ZIGZAG + 60);
  const nodes: CellNode[] = byRank.flatMap((list, r) =>
    list.map((n, i) => ({
      ...n,
      x: MARGIN_X + r * RANK_GAP,
      y: height / 2 + (i - (list.length - 1) / 2) * ROW_GAP + (n.role === 'intermediate' ? (r % 2 === 1 ? -ZIGZAG : ZIGZAG) : 0),
    })),
  );
  const node = new Map(nodes.map((n) => [n.id, n]));
  const taken: Box[] = nodes.map((n) => ({ x: n.x, y: n.y, w: 2 * NODE_RADIUS + 4, h: 2 * NODE_RADIUS + 4 }));

  const place = (from: string, to: string, op: string | null, index: number, straight = false): CellEdge => {
    const a = node.get(from) as CellNode;
    const b = node.get(to) as CellNode;
    // Edges that jump ranks bow away from the nodes they pass; two edges between the same pair bow apart.
    const jump = (rank.get(to) ?? 0) - (rank.get(from) ?? 0);
    const twin = cell.edges.filter((e) => e.from === from && e.to === to).length > 1;
    const bow = straight ? 0 : jump > 1 || a.y === b.y || twin ? (index % 2 === 0 ? 1 : -1) * 24 * Math.max(1, Math.min(jump, 3)) : 0;
    const c = curve(a, b, bow);
    let label = c.at(0.5);
    if (op !== null) {
      const w = op.length * LABEL_CHAR_WIDTH + 8;
      // Along the edge first, then nudged just off it, before settling for a clash.
      const candidates = [0, -11, 11].flatMap((dy) => LABEL_POSITIONS.map((t) => ({ x: c.at(t).x, y: c.at(t).y + dy, w, h: LABEL_HEIGHT })));
      const clashes = (box: Box): number => taken.filter((t) => overlaps(t, box)).length;
      const free = candidates.find((box) => clashes(box) === 0) ?? [...candidates].sort((p, q) => clashes(p) - clashes(q))[0];
      taken.push(free);
      label = free;
    }
    return { from, to, op, path: c.path, labelX: label.x, labelY: label.y };
  };
  const edges = cell.edges.map((e, i) => place(e.from, e.to, e.op, i));
  const output = cell.nodes.find((n) => n.role === 'output') as CellNode;
  // Concat lines converge straight on the output: bowed, they would tangle with the op edges.
  const concat = cell.concat.map((from, i) => place(from, output.id, null, i, true));
  return { title, width: 2 * MARGIN_X + maxRank * RANK_GAP, height, nodes, edges, concat };
}

/** The cell(s) of a genotype as laid-out graphs: DARTS's normal and reduction cells, or the NB201 cell. */
export function cellGraphs(genotype: Genotype): CellGraph[] {
  if (genotype.space === 'nb201') return [layout(nb201Cell(nb201Ops(genotype.arch)), 'NAS-Bench-201 cell')];
  return [layout(dartsCell(genotype, 'normal'), 'Normal cell'), layout(dartsCell(genotype, 'reduce'), 'Reduction cell')];
}

/** Edges per op in each cell (`skip_connect` counts are what DARTS's collapse is measured by). */
export function opCounts(genotype: Genotype): { cell: string; counts: Record<string, number> }[] {
  return cellGraphs(genotype).map((g) => {
    const counts: Record<string, number> = {};
    for (const e of g.edges) if (e.op !== null) counts[e.op] = (counts[e.op] ?? 0) + 1;
    return { cell: g.title, counts };
  });
}

/** Short op names for a space's edge labels, where a whole candidate list has to fit on one edge. */
const SHORT_OP: Record<string, string> = {
  max_pool_3x3: 'max3', avg_pool_3x3: 'avg3', skip_connect: 'skip', sep_conv_3x3: 'sep3', sep_conv_5x5: 'sep5',
  dil_conv_3x3: 'dil3', dil_conv_5x5: 'dil5', nor_conv_1x1: 'conv1', nor_conv_3x3: 'conv3',
};

/** An edge's candidates in a few characters: up to three short names, else their number. */
export function candidatesLabel(ops: readonly string[]): string {
  return ops.length <= 3 ? ops.map((o) => SHORT_OP[o] ?? o).join(' ') : `${ops.length} ops`;
}

function dartsSpaceCell(space: Extract<SearchSpace, { kind: 'darts' }>, kind: 'normal' | 'reduce'): Abstract {
  const stateId = (s: number): string => (s === 0 ? 'c_k-2' : s === 1 ? 'c_k-1' : String(s - 2));
  const nodes: Abstract['nodes'] = [
    { id: 'c_k-2', label: 'c', sub: 'k-2', role: 'input' },
    { id: 'c_k-1', label: 'c', sub: 'k-1', role: 'input' },
    ...Array.from({ length: space.nodes }, (_, i) => ({ id: String(i), label: String(i), role: 'intermediate' as const })),
    { id: 'c_k', label: 'c', sub: 'k', role: 'output' },
  ];
  const edges: Abstract['edges'] = [];
  // DARTS edge order: node i reads every earlier state, c_{k-2} and c_{k-1} first.
  for (let node = 0; node < space.nodes; node++) {
    for (let input = 0; input < node + 2; input++) {
      const ops = space.edgeOps?.[kind][edges.length] ?? space.ops;
      edges.push({ from: stateId(input), to: String(node), op: candidatesLabel(ops) });
    }
  }
  return { nodes, edges, concat: Array.from({ length: space.nodes }, (_, i) => String(i)) };
}

/**
 * The cell of a search space, every candidate edge drawn with its candidate ops (the supernet's
 * mixed edges): one diagram when normal and reduction cells share their ops, two when per-edge
 * lists make them differ. The space editor redraws it on every change.
 */
export function spaceCellGraphs(space: SearchSpace): CellGraph[] {
  if (space.kind === 'nb201') {
    return [layout(nb201Cell(NB201_EDGES.map(() => candidatesLabel(space.ops))), 'NAS-Bench-201 cell (every edge a candidate)')];
  }
  const sameCells = !space.edgeOps || JSON.stringify(space.edgeOps.normal) === JSON.stringify(space.edgeOps.reduce);
  if (sameCells) return [layout(dartsSpaceCell(space, 'normal'), 'Cell (normal and reduction alike)')];
  return [layout(dartsSpaceCell(space, 'normal'), 'Normal cell'), layout(dartsSpaceCell(space, 'reduce'), 'Reduction cell')];
}
