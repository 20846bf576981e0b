import * as tf from '@tensorflow/tfjs';
import { installEagerRelease } from './eager-release';
import { registerTrainingKernels } from './kernels/index';
import { registerNativeKernels } from './native/index';

/** Backends in the order the engine prefers them (fastest first). */
export const BACKEND_NAMES = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendChoice {
  /** What the engine runs on, e.g. 'wasm'. */
  name: string;
  /** Why the backends before it were skipped, or why this one was forced. */
  detail: string;
}

export interface SelectOptions {
  /** Try this backend first. */
  prefer?: string;
  /** Only these backends may be chosen. */
  allow?: string[];
}

function checkName(name: string, source: string): BackendName {
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new Error(`${source} names an unknown backend '${name}'; use one of: ${BACKEND_NAMES.join(', ')}.`);
  }
  return name as BackendName;
}

/**
 * Loads one backend and makes it tfjs's current backend; throws with the reason if it cannot.
 * Answers the name runs report (`wasm+native` when the native kernels loaded over wasm) and a note.
 */
async function activate(name: BackendName): Promise<{ label: string; note?: string }> {
  if (name === 'tfjs-node-gpu' || name === 'tfjs-node') {
    // A variable specifier keeps bundlers and the type-checker from resolving an optional package.
    const specifier = `@tensorflow/${name}`;
    await import(/* @vite-ignore */ specifier);
    if (!(await tf.setBackend('tensorflow'))) throw new Error(`${name} loaded but its backend did not initialise`);
    return { label: name };
  }
  if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
    registerTrainingKernels();
    // The native kernels override some of the composed ones, so they register after them.
    const native = registerNativeKernels();
    return native.loaded
      ? { label: 'wasm+native', note: `native kernels: ${native.kernels.join(', ')}` }
      : { label: 'wasm', note: native.reason };
  }
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialise');
  return { label: 'cpu' };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}

function candidates(opts: SelectOptions, forced: string | undefined): BackendName[] {
  if (forced !== undefined && forced !== '') return [checkName(forced, 'NAS_BACKEND')];
  const allowed = (opts.allow ?? [...BACKEND_NAMES]).map((n) => checkName(n, 'allow'));
  const prefer = opts.prefer === undefined ? undefined : checkName(opts.prefer, 'prefer');
  const ordered = BACKEND_NAMES.filter((n) => allowed.includes(n));
  return prefer !== undefined && allowed.includes(prefer) ? [prefer, ...ordered.filter((n) => n !== prefer)] : ordered;
}

const choices = new Map<string, Promise<BackendChoice>>();

/**
 * Picks the best backend present: tfjs-node-gpu, tfjs-node, wasm (with this project's training
 * kernels), cpu. `NAS_BACKEND=<name>` forces one and fails loudly if it cannot load. Repeated calls
 * with the same request return the same answer without reloading anything.
 */
export function selectBackend(opts: SelectOptions = {}): Promise<BackendChoice> {
  const order = candidates(opts, process.env.NAS_BACKEND);
  const key = order.join('>');
  let choice = choices.get(key);
  if (choice === undefined) {
    choice = choose(order, process.env.NAS_BACKEND !== undefined && process.env.NAS_BACKEND !== '');
    choices.set(key, choice);
    choice.catch(() => choices.delete(key));
  }
  return choice.then(async (chosen) => {
    // Someone (a test, a benchmark) may have switched backends since: switch back.
    const tfName = chosen.name.startsWith('tfjs-node') ? 'tensorflow' : chosen.name.startsWith('wasm') ? 'wasm' : chosen.name;
    if (tf.getBackend() !== tfName) await tf.setBackend(tfName);
    return chosen;
  });
}

async function choose(order: BackendName[], forced: boolean): Promise<BackendChoice> {
  const skipped: string[] = [];
  for (const name of order) {
    try {
      const { label, note } = await activate(name);
      // Engine-level, for every backend (registerTrainingKernels installs it for wasm already).
      installEagerRelease();
      const why = forced ? 'forced by NAS_BACKEND' : skipped.length === 0 ? 'first choice' : skipped.join('; ');
      return { name: label, detail: note ? `${why}; ${note}` : why };
    } catch (error) {
      skipped.push(`${name} unavailable: ${firstLine(error)}`);
    }
  }
  throw new Error(`No TensorFlow.js backend could be loaded (${skipped.join('; ')}).`);
}
