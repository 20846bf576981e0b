import { Nb201Space, type Nb201Op } from '../../../src-shared/model/space';

/** One edge of the NAS-Bench-201 cell: node `to` ← node `from` (node 0 is the cell input). */
export interface Nb201Edge {
  to: number;
  from: number;
  ops: readonly Nb201Op[];
}

/** The six edges in NB201's order (`1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2`, the arch-string order). */
export const NB201_EDGE_ENDPOINTS: readonly (readonly [to: number, from: number])[] = [
  [1, 0],
  [2, 0],
  [2, 1],
  [3, 0],
  [3, 1],
  [3, 2],
];

export interface Nb201Plan {
  space: Nb201Space;
  edges: readonly Nb201Edge[];
  /** Channels of each stage (C, 2C, 4C); a residual reduction block sits between stages. */
  stageChannels: readonly [number, number, number];
}

/** Validates a NAS-Bench-201 space and lays out its network; throws with every problem found. */
export function planNb201Space(input: unknown): Nb201Plan {
  const parsed = Nb201Space.safeParse(input);
  if (!parsed.success) {
    throw new Error(`invalid NAS-Bench-201 space: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'space'}: ${i.message}`).join('; ')}`);
  }
  const space = parsed.data;
  const c = space.channels;
  return {
    space,
    edges: NB201_EDGE_ENDPOINTS.map(([to, from]) => ({ to, from, ops: space.ops })),
    stageChannels: [c, 2 * c, 4 * c],
  };
}
