import type { Genotype } from '../../src-shared/model/genotype';

/**
 * Which edges of the compared runs' cells carry different ops. An edge is named as the cell
 * diagrams draw it: DARTS `normal: c_{k-1} → 2` (inputs c_{k-2}, c_{k-1}, intermediate nodes 0..),
 * NAS-Bench-201 `1 → 3` (nodes 0..3).
 */
export type GenotypeDiffRow = { edge: string; ops: (string | null)[] };

const dartsInput = (input: number): string => (input === 0 ? 'c_{k-2}' : input === 1 ? 'c_{k-1}' : String(input - 2));

/** Edge name → op. A node fed twice by the same input (possible in a hand-written cell) gets "(2)" on its second edge. */
export function genotypeEdges(g: Genotype): Map<string, string> {
  const edges = new Map<string, string>();
  const add = (name: string, op: string): void => {
    edges.set(edges.has(name) ? `${name} (2)` : name, op);
  };
  if (g.space === 'darts') {
    for (const cell of ['normal', 'reduce'] as const) {
      g[cell].forEach(([op, input], i) => add(`${cell}: ${dartsInput(input)} → ${Math.floor(i / 2)}`, op));
    }
  } else {
    g.arch
      .slice(1, -1)
      .split('|+|')
      .forEach((group, n) =>
        group.split('|').forEach((edge) => {
          const [op, input] = edge.split('~');
          add(`${input} → ${n + 1}`, op);
        }),
      );
  }
  return edges;
}

/**
 * The edges whose op is not the same in every given genotype (null: that run has no genotype and
 * is left out of the comparison); an edge a genotype lacks counts as op null there. In the order
 * the genotypes list their edges.
 */
export function genotypeDiff(genotypes: readonly (Genotype | null)[]): GenotypeDiffRow[] {
  const present = genotypes.map((g) => (g ? genotypeEdges(g) : null));
  const compared = present.filter((e): e is Map<string, string> => e !== null);
  if (compared.length < 2) return [];
  const names = [...new Set(compared.flatMap((e) => [...e.keys()]))];
  return names
    .map((edge) => ({ edge, ops: present.map((e) => (e ? e.get(edge) ?? null : null)) }))
    .filter((row) => {
      const ops = row.ops.filter((_, i) => present[i] !== null);
      return ops.some((op) => op !== ops[0]);
    });
}
