import { describeIssues } from '../../src-shared/contract';
import { robustDartsSpace, type RobustDartsSpaceName } from '../../src-shared/model/robust-darts';
import { DartsOp, DartsSpace, Nb201Space, SearchSpace, dartsEdgeCount, type Nb201Op } from '../../src-shared/model/space';

/**
 * What the search-space editor holds while the user types, and what it derives from it: the space
 * object a run gets, the schema's problems in words, and the figures a researcher checks (edges per
 * cell, mixed edges in the supernet, α count, where the reduction cells sit). Numbers are `number | ''`
 * (an emptied input) and go to the schema as typed, so its messages are the ones shown.
 */

/** Every op a DARTS space may use, in DARTS order, RobustDARTS's `noise` last. */
export const DARTS_SPACE_OPS: readonly DartsOp[] = DartsOp.options;

export type NumberInput = number | '';
export type DartsDraft = {
  kind: 'darts';
  ops: DartsOp[];
  /** Set by a RobustDARTS preset; editing the shared op set clears it. */
  preset: RobustDartsSpaceName | null;
  edgeOps: { normal: DartsOp[][]; reduce: DartsOp[][] } | null;
  nodes: NumberInput;
  layers: NumberInput;
  channels: NumberInput;
  stemMultiplier: NumberInput;
};
export type Nb201Draft = { kind: 'nb201'; ops: Nb201Op[]; cellsPerStage: NumberInput; channels: NumberInput };

export function defaultDartsDraft(): DartsDraft {
  const d = DartsSpace.parse({ kind: 'darts' });
  return { kind: 'darts', ops: [...d.ops], preset: null, edgeOps: null, nodes: d.nodes, layers: d.layers, channels: d.channels, stemMultiplier: d.stemMultiplier };
}

export function defaultNb201Draft(): Nb201Draft {
  const d = Nb201Space.parse({ kind: 'nb201' });
  return { kind: 'nb201', ops: [...d.ops], cellsPerStage: d.cellsPerStage, channels: d.channels };
}

/** A RobustDARTS space (Zela et al. 2020) over the draft: per-edge ops and 4 nodes; sizes kept. */
export function applyRobustPreset(draft: DartsDraft, name: RobustDartsSpaceName): DartsDraft {
  const space = robustDartsSpace(name);
  return { ...draft, preset: name, ops: [...space.ops], edgeOps: space.edgeOps ?? null, nodes: space.nodes };
}

/** Ticks or unticks an op of the shared set, kept in vocabulary order; per-edge lists no longer apply. */
export function toggleOp<T extends string>(ops: readonly T[], op: T, vocabulary: readonly T[]): T[] {
  const next = ops.includes(op) ? ops.filter((o) => o !== op) : [...ops, op];
  return vocabulary.filter((o) => next.includes(o));
}

/** The object sent as `space` (schema input: what the user set, the schema fills the rest). */
export function draftInput(draft: DartsDraft | Nb201Draft): Record<string, unknown> {
  const num = (v: NumberInput) => (v === '' ? undefined : v);
  if (draft.kind === 'nb201') return { kind: 'nb201', ops: draft.ops, cellsPerStage: num(draft.cellsPerStage), channels: num(draft.channels) };
  return {
    kind: 'darts',
    ops: draft.ops,
    ...(draft.edgeOps ? { edgeOps: draft.edgeOps } : {}),
    nodes: num(draft.nodes),
    layers: num(draft.layers),
    channels: num(draft.channels),
    stemMultiplier: num(draft.stemMultiplier),
  };
}

/** A saved or imported space back in the editor: every value kept, per-edge lists included. */
export function draftFromSpace(space: SearchSpace): DartsDraft | Nb201Draft {
  if (space.kind === 'nb201') return { kind: 'nb201', ops: [...space.ops], cellsPerStage: space.cellsPerStage, channels: space.channels };
  const edgeOps = space.edgeOps ? { normal: space.edgeOps.normal.map((l) => [...l]), reduce: space.edgeOps.reduce.map((l) => [...l]) } : null;
  return { kind: 'darts', ops: [...space.ops], preset: null, edgeOps, nodes: space.nodes, layers: space.layers, channels: space.channels, stemMultiplier: space.stemMultiplier };
}

/**
 * A space file (the editor's export, or one written by hand) read back: JSON holding a SearchSpace.
 * The error says what is wrong in the file, with the schema's own words.
 */
export function parseSpaceFile(text: string, file: string): { space: SearchSpace; error: null } | { space: null; error: string } {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return { space: null, error: `${file} is not JSON (${(e as Error).message}); export a space from this editor to see the format.` };
  }
  const parsed = SearchSpace.safeParse(data);
  if (!parsed.success) return { space: null, error: `${file} is not a valid search space: ${describeIssues(parsed.error.issues).message}` };
  return { space: parsed.data, error: null };
}

export type DraftCheck = { space: SearchSpace | null; problems: string[] };

export function checkDraft(draft: DartsDraft | Nb201Draft): DraftCheck {
  const input = draftInput(draft);
  const result = (draft.kind === 'darts' ? DartsSpace : Nb201Space).safeParse(input);
  if (result.success) return { space: result.data, problems: [] };
  return { space: null, problems: result.error.issues.map((i) => describeIssues([i]).message) };
}

/** DARTS puts its two reduction cells at layers//3 and 2·layers//3 (one when they coincide). */
export function reductionPositions(layers: number): number[] {
  return [...new Set([Math.floor(layers / 3), Math.floor((2 * layers) / 3)])];
}

export type SpaceSummary = {
  edgesPerCell: number;
  /** Candidate ops per edge (every edge has as many: one α row each). */
  opsPerEdge: number;
  cells: number;
  /** Mixed edges in the supernet: every edge of every cell holds all its candidate ops. */
  mixedEdges: number;
  /** Architecture parameters α: one row per edge per cell type. */
  alphaCount: number;
  reductionCells: number[];
  /** Distinct discrete cells (pairs for DARTS: two inputs kept per node, normal × reduce). */
  cellChoices: string;
};

function formatCount(n: number): string {
  return n < 1e6 ? n.toLocaleString('en-US') : n.toExponential(2).replace('e+', ' × 10^');
}

export function summarize(space: SearchSpace): SpaceSummary {
  if (space.kind === 'nb201') {
    const cells = 3 * space.cellsPerStage;
    return {
      edgesPerCell: 6,
      opsPerEdge: space.ops.length,
      cells,
      mixedEdges: 6 * cells,
      alphaCount: 6 * space.ops.length,
      reductionCells: [],
      cellChoices: formatCount(space.ops.length ** 6),
    };
  }
  const edges = dartsEdgeCount(space.nodes);
  const opsPerEdge = space.edgeOps ? space.edgeOps.normal[0]?.length ?? 0 : space.ops.length;
  // DARTS's discrete cell keeps two inputs per node, each with one op other than `none`.
  const ops = (edge: number, kind: 'normal' | 'reduce'): number =>
    (space.edgeOps ? space.edgeOps[kind][edge] : space.ops).filter((o) => o !== 'none').length;
  const perCell = (kind: 'normal' | 'reduce'): number => {
    let total = 1;
    let first = 0;
    for (let node = 0; node < space.nodes; node++) {
      const counts = Array.from({ length: node + 2 }, (_, i) => ops(first + i, kind));
      let pairs = 0;
      for (let i = 0; i < counts.length; i++) for (let j = i + 1; j < counts.length; j++) pairs += counts[i] * counts[j];
      total *= pairs;
      first += counts.length;
    }
    return total;
  };
  return {
    edgesPerCell: edges,
    opsPerEdge,
    cells: space.layers,
    mixedEdges: edges * space.layers,
    alphaCount: 2 * edges * opsPerEdge,
    reductionCells: reductionPositions(space.layers),
    cellChoices: formatCount(perCell('normal') * perCell('reduce')),
  };
}
