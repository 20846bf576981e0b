import { DartsSpace, dartsEdgeCount, dartsSpaceProblems, type DartsOp } from '../../../src-shared/model/space';

export type DartsCellKind = 'normal' | 'reduce';

/** One mixed edge of a DARTS cell: into intermediate node `node` from state `input` (0, 1: cell inputs). */
export interface DartsEdge {
  node: number;
  input: number;
  ops: readonly DartsOp[];
}

/** Everything needed to build a DARTS search network, derived from a validated DartsSpace. */
export interface DartsPlan {
  space: DartsSpace;
  edges: Record<DartsCellKind, readonly DartsEdge[]>;
  /** For each layer, whether it is a reduction cell (layers//3 and 2·layers//3, as in DARTS). */
  reduction: readonly boolean[];
}

/** Validates a DARTS space and lays out its cells; throws with every problem found. */
export function planDartsSpace(input: unknown): DartsPlan {
  const parsed = DartsSpace.safeParse(input);
  if (!parsed.success) {
    throw new Error(`invalid DARTS space: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'space'}: ${i.message}`).join('; ')}`);
  }
  const space = parsed.data;
  const problems = dartsSpaceProblems(space);
  if (problems.length) throw new Error(`invalid DARTS space: ${problems.join('; ')}`);
  const edgesOf = (kind: DartsCellKind): DartsEdge[] => {
    const edges: DartsEdge[] = [];
    for (let node = 0; node < space.nodes; node++) {
      for (let input = 0; input < node + 2; input++) {
        edges.push({ node, input, ops: space.edgeOps ? space.edgeOps[kind][edges.length] : space.ops });
      }
    }
    if (edges.length !== dartsEdgeCount(space.nodes)) throw new Error('DARTS edge layout is inconsistent');
    return edges;
  };
  const reductionAt = new Set([Math.floor(space.layers / 3), Math.floor((2 * space.layers) / 3)]);
  return {
    space,
    edges: { normal: edgesOf('normal'), reduce: edgesOf('reduce') },
    reduction: Array.from({ length: space.layers }, (_, i) => reductionAt.has(i)),
  };
}
