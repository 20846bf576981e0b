import * as tf from '@tensorflow/tfjs';

/**
 * tfjs 4.22's backward pass keeps every tensor until it ends: each tape node's saved tensors are
 * disposed only after the last node, and the gradient of every intermediate tensor (each node's
 * `dys`) lives on in the backward scope after its node has used it. So the step's peak holds all
 * saved activations *and* all their gradients, about twice what the arithmetic needs: the
 * fmnist-cpu evaluation network (DARTS_V2, C=16, 8 cells, batch 96) peaked at a 3.6 GiB wasm heap
 * of the 4 GiB there is (docs/performance.md, "Memory of the backward pass").
 *
 * Installed on the engine instance (as backend/tape-clones.ts; no file patch): each tape node's
 * gradient function is wrapped so that, when the backward pass moves on to the next node, the
 * previous node's saved tensors and its outputs' gradients are disposed. That is safe because, at
 * gradient depth 0 (an outermost `tf.grad`/`variableGrads`, whose backward pass is not recorded):
 * - tfjs calls each node's gradient once, in reverse tape order, and has called all of that
 *   node's input-gradient closures before it calls the next node's gradient;
 * - every saved tensor is a node's own `keep(clone(t))` object, read only by that node's closures;
 * - an output's gradient is complete when its producer node runs, and nothing reads it afterwards
 *   except as another tensor's gradient if a closure handed the same object on; so a closure's
 *   result that the pass does not own yet (created before the pass, already handed out, one of the
 *   node's dys or saved tensors) is replaced by a clone (a shared buffer on wasm and cpu, see
 *   tape-clones.ts), and the pass disposes only objects it owns.
 * Gradients taken at depth > 0 (the backward pass of a gradient of a gradient is itself taped)
 * run as tfjs wrote them. A caller's `dy` (created before the pass) is never disposed.
 */

interface TapeNode {
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
  saved?: tf.Tensor[];
}

interface EngineInternals {
  state?: { gradientDepth: number; activeTape: TapeNode[] | null };
  addTapeNode(...args: unknown[]): void;
  gradients(...args: unknown[]): unknown;
  eagerRelease?: true;
}

/** One backward pass: tensors from `firstId` on were made during it; `owned`: closure results it already holds. */
interface Pass {
  firstId: number;
  owned: WeakSet<tf.Tensor>;
  /** The node whose closures ran last: freed when the next node's gradient is called. */
  pending: { dys: (tf.Tensor | null)[]; saved: tf.Tensor[] } | null;
}

export function installEagerRelease(): boolean {
  const engine = tf.engine() as unknown as EngineInternals;
  if (engine.eagerRelease) return true;
  const counter = engine.constructor as unknown as { nextTensorId?: number };
  const state = engine.state;
  const tfjsAddTapeNode = engine.addTapeNode;
  const tfjsGradients = engine.gradients;
  if (state === undefined || typeof counter.nextTensorId !== 'number' || typeof tfjsAddTapeNode !== 'function' || typeof tfjsGradients !== 'function') return false;

  // Nested passes: a gradient function may itself take gradients (a checkpointed block recomputes).
  const passes: Pass[] = [];
  const free = (pass: Pass) => {
    const node = pass.pending;
    pass.pending = null;
    if (node === null) return;
    // Made during the pass: closures' results (owned) and backprop's sums of them; not the seed.
    for (const dy of node.dys) if (dy !== null && dy.id >= pass.firstId) dy.dispose();
    for (const t of node.saved) t.dispose();
  };

  engine.gradients = function eagerGradients(this: EngineInternals, ...args: unknown[]) {
    passes.push({ firstId: Number.POSITIVE_INFINITY, owned: new WeakSet(), pending: null });
    try {
      return tfjsGradients.apply(this, args);
    } finally {
      passes.pop();
    }
  };

  engine.addTapeNode = function eagerAddTapeNode(this: EngineInternals, ...args: unknown[]) {
    tfjsAddTapeNode.apply(this, args);
    const tape = state.activeTape;
    const node = tape?.[tape.length - 1];
    const gradient = node?.gradient;
    if (node === undefined || gradient === undefined) return;
    node.gradient = (dys) => {
      const pass = passes[passes.length - 1];
      if (state.gradientDepth !== 0 || pass === undefined) return gradient(dys);
      free(pass);
      if (pass.firstId === Number.POSITIVE_INFINITY) pass.firstId = counter.nextTensorId!;
      const saved = node.saved ?? [];
      const closures = gradient(dys);
      const own = (t: tf.Tensor): tf.Tensor => {
        const foreign = t.id < pass.firstId || pass.owned.has(t) || dys.includes(t) || saved.includes(t);
        const result = foreign ? tf.clone(t) : t;
        pass.owned.add(result);
        return result;
      };
      pass.pending = { dys, saved };
      return Object.fromEntries(Object.entries(closures).map(([name, closure]) => [name, () => own(closure())]));
    };
  };
  engine.eagerRelease = true;
  return true;
}
