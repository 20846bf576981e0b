import type { Genotype } from './genotype';
import { NB201_EDGES, deriveNb201Genotype } from './genotype-derive';
import type { Rng } from './rng';

/**
 * DARTS-PT's perturbation-based selection (Wang, Cheng, Chen, Tang and Hsieh, "Rethinking
 * Architecture Selection in Differentiable NAS", ICLR 2021; ruocwang/darts-pt `projection.py`),
 * the pure part: which op or which inputs to keep, given a callback that measures the supernet's
 * validation score with something removed. The engine (search/oneshot/darts-pt.ts) supplies the
 * callback on a real supernet; tests supply a hand-made one. A score is "higher is better": the
 * validation accuracy (`proj_crit acc`, the authors' default) or minus the validation loss (`loss`).
 */

/** One op decision of one edge: the score with each op removed, and the op kept. */
export interface PtOpDecision {
  kind: 'op';
  /** Projection round (0-based); both cell types decide one edge per round, as the authors do. */
  round: number;
  cell: 'normal' | 'reduce';
  edge: number;
  /** Intermediate node (0-based) and its input (0, 1: the cell inputs; 2..: earlier nodes). */
  node: number;
  input: number;
  /** The supernet's score with nothing removed, measured right before this decision. */
  base: number;
  ops: string[];
  /** Score with op k removed from the edge; null for an op not considered (`none` in a DARTS cell). */
  scores: (number | null)[];
  chosen: number;
}

/** One topology decision of one node: the score with each input edge removed, the two kept. */
export interface PtTopologyDecision {
  kind: 'topology';
  round: number;
  cell: 'normal' | 'reduce';
  node: number;
  /** The node's input indices and their edges, in order. */
  inputs: number[];
  edges: number[];
  base: number;
  /** Score with input i's edge removed (whole edge zeroed). */
  scores: number[];
  /** The inputs kept (ascending). */
  kept: number[];
}

export type PtDecision = PtOpDecision | PtTopologyDecision;

/** The `pt.selection` artifact: every decision so far (the newest artifact holds the whole selection). */
export interface PtSelectionArtifact {
  space: 'darts' | 'nb201';
  criterion: 'acc' | 'loss';
  decisions: PtDecision[];
  done: boolean;
}

/**
 * The op of an edge: each candidate is removed in turn (its mixing weight set to 0) and scored;
 * the op whose removal leaves the lowest score is kept (`project_op`: strict `<`, so the first op
 * wins a tie). Ops for which `consider` is false are not removed and get a null score.
 */
export async function selectOp(
  ops: readonly string[],
  scoreWithout: (op: number) => Promise<number> | number,
  consider: (op: string) => boolean = () => true,
): Promise<{ scores: (number | null)[]; chosen: number }> {
  const scores: (number | null)[] = [];
  let chosen = -1;
  for (let k = 0; k < ops.length; k++) {
    if (!consider(ops[k])) {
      scores.push(null);
      continue;
    }
    const score = await scoreWithout(k);
    if (!Number.isFinite(score)) throw new Error(`the score with op '${ops[k]}' removed came out ${score}; the supernet diverged?`);
    scores.push(score);
    if (chosen < 0 || score < (scores[chosen] as number)) chosen = k;
  }
  if (chosen < 0) throw new Error(`no op of [${ops.join(', ')}] can be kept: every candidate is excluded`);
  return { scores, chosen };
}

/**
 * The inputs of a node: each input edge is removed in turn (zeroed) and scored; the `keep` inputs
 * whose removal leaves the lowest scores are kept (ties: the lower input). The authors'
 * `project_edge` drops the least harmful edge until two remain, re-scoring the same single-edge
 * removals each round, which keeps the same two.
 */
export async function selectInputs(
  inputs: readonly number[],
  scoreWithout: (position: number) => Promise<number> | number,
  keep = 2,
): Promise<{ scores: number[]; kept: number[] }> {
  if (inputs.length < keep) throw new Error(`a node with ${inputs.length} inputs cannot keep ${keep}`);
  const scores: number[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const score = await scoreWithout(i);
    if (!Number.isFinite(score)) throw new Error(`the score with input ${inputs[i]} removed came out ${score}; the supernet diverged?`);
    scores.push(score);
  }
  const order = inputs.map((_, i) => i).sort((a, b) => scores[a] - scores[b] || a - b);
  return { scores, kept: order.slice(0, keep).map((i) => inputs[i]).sort((a, b) => a - b) };
}

/** A DARTS cell's edges node by node: node n has inputs 0..n+1, edges numbered in that order. */
export function dartsNodeEdges(nodes: number): { node: number; inputs: number[]; edges: number[] }[] {
  const out = [];
  let start = 0;
  for (let node = 0; node < nodes; node++) {
    const inputs = Array.from({ length: node + 2 }, (_, i) => i);
    out.push({ node, inputs, edges: inputs.map((i) => start + i) });
    start += node + 2;
  }
  return out;
}

/** Node and input of an edge: DARTS's numbering, or NAS-Bench-201's (node 1..3 from nodes 0..2). */
export function edgeEnds(space: 'darts' | 'nb201', nodes: number, edge: number): { node: number; input: number } {
  if (space === 'nb201') return NB201_EDGES[edge];
  for (const n of dartsNodeEdges(nodes)) {
    const at = n.edges.indexOf(edge);
    if (at >= 0) return { node: n.node, input: n.inputs[at] };
  }
  throw new Error(`edge ${edge} is not in a cell of ${nodes} nodes`);
}

/** A uniformly random order of 0..n-1 from the run's generator (Fisher-Yates). */
function shuffled(n: number, rng: Rng): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * The decision plan: per cell type, the edges in the order their op is decided, then the nodes with
 * more than two inputs in the order their topology is decided (NAS-Bench-201: ops only). The
 * authors' `edge_decision random` draws each next edge uniformly among the undecided ones, the same
 * distribution as a random permutation drawn up front.
 */
export interface PtPlan {
  cells: ('normal' | 'reduce')[];
  edgeOrder: Record<string, number[]>;
  nodeOrder: Record<string, number[]>;
  rounds: number;
}

/** Decision rounds of a cell: one per edge, then one per node with more than two inputs (DARTS). */
export function ptRounds(space: 'darts' | 'nb201', nodes: number): number {
  if (space === 'nb201') return NB201_EDGES.length;
  return dartsNodeEdges(nodes).reduce((sum, n) => sum + n.edges.length + (n.inputs.length > 2 ? 1 : 0), 0);
}

/** Steps of the projection phase: one per round and `tuneSteps` of fine-tuning between two rounds. */
export function ptPhaseSteps(rounds: number, tuneSteps: number): number {
  return rounds + (rounds - 1) * tuneSteps;
}

export function ptPlan(space: 'darts' | 'nb201', nodes: number, edges: number, rng: Rng): PtPlan {
  const cells: ('normal' | 'reduce')[] = space === 'darts' ? ['normal', 'reduce'] : ['normal'];
  const wide = space === 'darts' ? dartsNodeEdges(nodes).filter((n) => n.inputs.length > 2).map((n) => n.node) : [];
  const edgeOrder: Record<string, number[]> = {};
  const nodeOrder: Record<string, number[]> = {};
  for (const cell of cells) {
    edgeOrder[cell] = shuffled(edges, rng);
    nodeOrder[cell] = shuffled(wide.length, rng).map((i) => wide[i]);
  }
  return { cells, edgeOrder, nodeOrder, rounds: edges + wide.length };
}

/**
 * The genotype of a finished selection. DARTS: each node's kept inputs (both when it has two) with
 * their edges' kept ops, inputs ascending; NAS-Bench-201: each edge's kept op.
 */
export function ptGenotype(space: 'darts' | 'nb201', nodes: number, decisions: readonly PtDecision[]): Genotype {
  const opOf = (cell: string, edge: number): string => {
    const d = decisions.find((x): x is PtOpDecision => x.kind === 'op' && x.cell === cell && x.edge === edge);
    if (!d) throw new Error(`the selection has not decided edge ${edge} of the ${cell} cell yet`);
    return d.ops[d.chosen];
  };
  if (space === 'nb201') {
    const ops = decisions.find((d): d is PtOpDecision => d.kind === 'op')?.ops ?? [];
    const rows = NB201_EDGES.map((_, e) => {
      const chosen = opOf('normal', e);
      return ops.map((op) => (op === chosen ? 1 : 0));
    });
    return deriveNb201Genotype(rows, ops);
  }
  const cell = (kind: 'normal' | 'reduce'): [string, number][] =>
    dartsNodeEdges(nodes).flatMap((n) => {
      const topology = decisions.find((x): x is PtTopologyDecision => x.kind === 'topology' && x.cell === kind && x.node === n.node);
      if (n.inputs.length > 2 && !topology) throw new Error(`the selection has not decided node ${n.node}'s inputs of the ${kind} cell yet`);
      const kept = topology ? topology.kept : n.inputs;
      return kept.map((input): [string, number] => [opOf(kind, n.edges[n.inputs.indexOf(input)]), input]);
    });
  const concat = Array.from({ length: nodes }, (_, i) => i + 2);
  return { space: 'darts', normal: cell('normal'), normal_concat: concat, reduce: cell('reduce'), reduce_concat: [...concat] };
}
