/** Benchmarks `run.ts` runs in their own processes (a fixed native thread count, a fresh heap). */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CifarNet, CifarStepResult } from './default-size';
import type { NativeStepResult } from './native-step';

function runChild(script: string, args: string[], env: Record<string, string> = {}): string {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const run = spawnSync(process.execPath, [...process.execArgv, path, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 2 ** 20,
  });
  if (run.status !== 0) throw new Error(`${script} failed (exit ${run.status}): ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return run.stdout.trim();
}

/** `steps` reference steps (after a warm-up) on wasm with the native kernels on `threads` threads. */
export function nativeStep(threads: number, steps: number, profile = false): NativeStepResult {
  const out = runChild('./native-step.ts', [String(threads), String(steps), ...(profile ? ['--profile'] : [])]);
  return JSON.parse(out.split('\n').pop() ?? '') as NativeStepResult;
}

export interface MethodsStep {
  /** The child's own lines (ms per step and peak bytes of each method). */
  lines: string[];
  /** `<method>_over_darts_step_cost` and `<method>_over_darts_peak_bytes`, by name. */
  ratios: Record<string, number>;
}

/** Every one-shot method's step against DARTS (first order) on the reference supernet, the engine's default backend. */
export function methodsStep(steps: number, threads: number): MethodsStep {
  const out = runChild('./methods-step.ts', ['5', '8', '32', String(steps)], { NAS_NATIVE_THREADS: String(threads) });
  const lines = out.split('\n').filter((l) => /ms\/step|backend/.test(l));
  const ratios = Object.fromEntries([...out.matchAll(/^(\w+_over_darts_\w+)=([\d.]+)$/gm)].map((m) => [m[1], Number(m[2])]));
  return { lines, ratios };
}

/** CIFAR-size steps (`default-size.ts`): the search network or the evaluation network; threads 0 = pure wasm. */
export function cifarStep(net: CifarNet, threads: number, steps: number, evalBatch = 96, recompute = false): CifarStepResult {
  const out = runChild('./default-size.ts', [net, String(threads), String(steps), `--batch=${evalBatch}`, ...(recompute ? ['--recompute'] : [])]);
  return JSON.parse(out.split('\n').pop() ?? '') as CifarStepResult;
}
