import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../engine/backend/select';
import { loadAddon, nativeThreads } from '../../engine/backend/native/addon';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD } from '../../engine/backend/kernels/batch-norm-names';
import { NAS_ADAM_L2 } from '../../engine/backend/kernels/NasAdamL2';
import { NAS_RELU_GRAD } from '../../engine/backend/kernels/NasReluGrad';
import { NAS_SGD_MOMENTUM } from '../../engine/backend/kernels/NasSgdMomentum';
import { NAS_SUM_OF_SQUARES } from '../../engine/backend/kernels/NasSumOfSquares';
import { NAS_WEIGHTED_SUM, NAS_WEIGHTED_SUM_GRAD, NAS_WEIGHTED_SUM_ROW_GRAD } from '../../engine/backend/kernels/NasWeightedSum';
import { CliError } from '../cli-error';

export const DOCTOR_USAGE = `  doctor [--json]     the backend a run would get and why (what failed to load), wasm SIMD/threads,
                      the native addon and its thread count, the CPU; our custom kernels the backend lacks`;

/**
 * This project's own kernel names that training ops call. A backend without one runs the generic
 * path (composed from stock tfjs ops): docs/backend.md, "The GPU path and the generic path".
 */
export const CUSTOM_KERNEL_NAMES = [
  BATCH_NORM_TRAIN,
  BATCH_NORM_TRAIN_GRAD,
  NAS_WEIGHTED_SUM,
  NAS_WEIGHTED_SUM_GRAD,
  NAS_WEIGHTED_SUM_ROW_GRAD,
  NAS_RELU_GRAD,
  NAS_SGD_MOMENTUM,
  NAS_SUM_OF_SQUARES,
  NAS_ADAM_L2,
] as const;

export interface DoctorReport {
  /** What a run gets: tfjs-node-gpu, tfjs-node, wasm+native, wasm or cpu. */
  backend: string;
  /** Why: the backends tried before it and the first line of each one's error. */
  why: string;
  wasm: { simd: boolean; threads: boolean } | null;
    /** present: the addon loads; used: its kernels serve this backend (wasm only). */
  native: { present: boolean; used: boolean; reason: string; threads: number | null };
  cpu: { count: number; model: string; flags: string[]; loadAverage: number[] };
  /** Our custom kernels the chosen backend does not have (those ops run the generic path). */
  genericPath: string[];
}

/** The CPU features the native addon's fast paths use (Linux; empty elsewhere). */
function cpuFlags(): string[] {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('flags'));
    const flags = new Set((line ?? '').split(':')[1]?.trim().split(/\s+/) ?? []);
    return ['avx2', 'fma', 'avx512f'].filter((f) => flags.has(f));
  } catch {
    return [];
  }
}

/** Selects the backend exactly as a run does (NAS_BACKEND included) and describes the machine. */
export async function diagnose(): Promise<DoctorReport> {
  const choice = await selectBackend();
  const tfName = tf.getBackend();
  const wasm = tfName === 'wasm' ? { simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')), threads: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) } : null;
  const addon = loadAddon();
  const present = addon.addon !== undefined;
  const used = choice.name === 'wasm+native';
  return {
    backend: choice.name,
    why: choice.detail,
    wasm,
    native: { present, used, reason: addon.reason, threads: used ? nativeThreads() : null },
    cpu: { count: availableParallelism(), model: cpus()[0]?.model ?? 'unknown', flags: cpuFlags(), loadAverage: loadavg().map((l) => Math.round(l * 100) / 100) },
    genericPath: CUSTOM_KERNEL_NAMES.filter((name) => tf.getKernel(name, tfName) === undefined),
  };
}

export function formatReport(r: DoctorReport): string[] {
  const lines = [`backend: ${r.backend}`, `why: ${r.why}`];
  if (r.wasm) lines.push(`wasm: SIMD ${r.wasm.simd ? 'yes' : 'no'}, threads ${r.wasm.threads ? 'yes' : 'no (the backend runs on one thread; the native addon brings its own pool)'}`);
  if (r.native.used) lines.push(`native addon: ${r.native.reason}; ${r.native.threads} thread(s) (NAS_NATIVE_THREADS)`);
  else if (r.native.present) lines.push(`native addon: present (${r.native.reason}) but not used: it serves the wasm backend only`);
  else lines.push(`native addon: not used (${r.native.reason})`);
  const flags = r.cpu.flags.length > 0 ? r.cpu.flags.join(' ') : 'no AVX2/FMA (the addon runs its plain loops)';
  lines.push(`cpu: ${r.cpu.count} core(s), ${r.cpu.model}; ${flags}; load average ${r.cpu.loadAverage.join(' ')}`);
  lines.push(
    r.genericPath.length === 0
      ? 'custom kernels: all present'
      : `custom kernels missing on this backend (generic path from stock ops, same numbers, slower): ${r.genericPath.join(', ')}`,
  );
  return lines;
}

/** `doctor [--json]`: exit code 0 when a backend loads; a forced backend that fails is an error (1). */
export async function runDoctorCommand(argv: string[], out: (s: string) => void): Promise<number> {
  let json: boolean;
  try {
    json = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } } }).values.json ?? false;
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n\n${DOCTOR_USAGE}`);
  }
  const report = await diagnose();
  if (json) out(JSON.stringify(report));
  else for (const line of formatReport(report)) out(line);
  return 0;
}
