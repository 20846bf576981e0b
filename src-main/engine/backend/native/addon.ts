import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Window geometry as the addon takes it: n, h, w, c, co, fh, fw, oh, ow, sh, sw, dh, dw, padTop, padLeft. */
export type Geometry = readonly number[];

/** The C++ exports (native/src/addon.cc). Offsets are byte offsets into `heap`. */
export interface NativeAddon {
  depthwiseForward(heap: ArrayBuffer, threads: number, x: number, filter: number, out: number, ...g: Geometry): void;
  depthwiseBackpropInput(heap: ArrayBuffer, threads: number, dy: number, filter: number, dx: number, ...g: Geometry): void;
  depthwiseBackpropFilter(heap: ArrayBuffer, threads: number, x: number, dy: number, df: number, ...g: Geometry): void;
  maxPoolGrad(heap: ArrayBuffer, threads: number, x: number, dy: number, dx: number, ...g: Geometry): void;
  avgPoolGrad(heap: ArrayBuffer, threads: number, dy: number, dx: number, excludePad: number, ...g: Geometry): void;
  conv2dForward(heap: ArrayBuffer, threads: number, x: number, filter: number, out: number, ...g: Geometry): void;
  conv2dBackpropInput(heap: ArrayBuffer, threads: number, dy: number, filter: number, dx: number, ...g: Geometry): void;
  conv2dBackpropFilter(heap: ArrayBuffer, threads: number, x: number, dy: number, df: number, ...g: Geometry): void;
  batchMatMul(
    heap: ArrayBuffer,
    threads: number,
    a: number,
    b: number,
    out: number,
    batchA: number,
    batchB: number,
    m: number,
    k: number,
    n: number,
    transposeA: number,
    transposeB: number,
  ): void;
  batchNormTrain(heap: ArrayBuffer, threads: number, x: number, y: number, invStd: number, rows: number, channels: number): void;
  batchNormTrainGrad(heap: ArrayBuffer, threads: number, dy: number, y: number, invStd: number, dx: number, rows: number, channels: number): void;
  /** dst[r·dstStride + j] = src[r·srcStride + j], r < rows, j < width; strides and width in floats. */
  copyRows(heap: ArrayBuffer, threads: number, src: number, srcStride: number, dst: number, dstStride: number, rows: number, width: number): void;
}

export type AddonLoad = { addon: NativeAddon; reason: string } | { addon: undefined; reason: string };

const ADDON_FILE = join('native', 'build', 'Release', 'nas_native.node');

/**
 * The addon sits at <project>/native/build/Release; this file runs from src-main/engine/backend/native
 * (tsx, vitest) or from a bundle under out/, so look upwards. NAS_NATIVE_ADDON names it explicitly.
 */
function findAddon(): string | undefined {
  const explicit = process.env.NAS_NATIVE_ADDON;
  if (explicit !== undefined && explicit !== '') return explicit;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level < 8; level++) {
    const candidate = join(dir, ADDON_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const fromCwd = join(process.cwd(), ADDON_FILE);
  return existsSync(fromCwd) ? fromCwd : undefined;
}

let cached: AddonLoad | undefined;

/** Loads the addon once; `reason` says why not (or where it came from). Never throws. */
export function loadAddon(): AddonLoad {
  if (cached !== undefined) return cached;
  if (process.env.NAS_NATIVE === '0') return (cached = { addon: undefined, reason: 'disabled by NAS_NATIVE=0' });
  const path = findAddon();
  if (path === undefined) {
    return (cached = {
      addon: undefined,
      reason: `${ADDON_FILE} not found; build it with 'node scripts/build-native.mjs'`,
    });
  }
  try {
    const addon = createRequire(import.meta.url)(path) as NativeAddon;
    return (cached = { addon, reason: `loaded ${path}` });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return (cached = { addon: undefined, reason: `${path} does not load: ${message}; rebuild it on this machine` });
  }
}

/** Parses NAS_NATIVE_THREADS; unset or empty means every core. */
export function threadsFromEnv(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return availableParallelism();
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024) {
    throw new Error(`NAS_NATIVE_THREADS='${value}' is not a thread count; use a whole number from 1 to 1024, or unset it.`);
  }
  return threads;
}

let threads: number | undefined;

/** Threads every native kernel call uses (read per call, so tests and benchmarks can change it). */
export function nativeThreads(): number {
  if (threads === undefined) threads = threadsFromEnv(process.env.NAS_NATIVE_THREADS);
  return threads;
}

export function setNativeThreads(count: number): void {
  if (!Number.isInteger(count) || count < 1) throw new Error(`native thread count must be a whole number ≥ 1, got ${count}`);
  threads = count;
}
