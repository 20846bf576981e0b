import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { encodeModule, ins, simd, uleb, type FunctionDef } from './encoder';

const DROP = 0x1a;

/**
 * Kernels generated for one shape configuration (channel count, filter size, stride, dilation …):
 * with those as constants a body can be fully unrolled, keep a block of outputs in v128 locals and
 * address its loads through the memarg's constant offset. Each configuration is encoded and
 * compiled once per process, instantiated once per wasm memory.
 */

interface WasmModuleExports {
  asm?: { memory?: WebAssembly.Memory };
}

/** Whether this engine validates relaxed SIMD (then a multiply-add is one fused instruction). */
export const relaxedSimd: boolean = (() => {
  try {
    const zero = [0xfd, ...uleb(simd.v128Const), ...new Array<number>(16).fill(0)];
    const probe = [...zero, ...zero, ...zero, ...ins.simd(simd.f32x4RelaxedMadd), DROP];
    return WebAssembly.validate(encodeModule([{ name: 'probe', params: 0, locals: 0, body: probe }]));
  } catch {
    return false;
  }
})();

/**
 * a·b + c for f32x4 operands given as instruction sequences: relaxed_madd where the engine has it
 * (one FMA on x64 with FMA3, rounding once), else f32x4.mul then f32x4.add (also with fused = false,
 * which tests use to check the fallback).
 */
export function madd(a: number[], b: number[], c: number[], fused = relaxedSimd): number[] {
  if (fused && relaxedSimd) return [...a, ...b, ...c, ...ins.simd(simd.f32x4RelaxedMadd)];
  return [...a, ...b, ...ins.simd(simd.f32x4Mul), ...c, ...ins.simd(simd.f32x4Add)];
}

const modules = new Map<string, WebAssembly.Module>();
const instances = new WeakMap<WebAssembly.Memory, Map<string, unknown>>();

/**
 * The exports of the module `build()` describes, instantiated on the wasm backend's memory and
 * cached under `key` (which must name everything `build` depends on); null when that memory is not
 * reachable or the engine rejects the module (no wasm SIMD).
 */
export function generatedKernels<T>(backend: BackendWasm, key: string, build: () => readonly FunctionDef[]): T | null {
  const memory = (backend.wasm as unknown as WasmModuleExports).asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  let perMemory = instances.get(memory);
  if (perMemory === undefined) {
    perMemory = new Map();
    instances.set(memory, perMemory);
  }
  if (perMemory.has(key)) return perMemory.get(key) as T | null;
  let exports: T | null = null;
  try {
    let compiled = modules.get(key);
    if (compiled === undefined) {
      compiled = new WebAssembly.Module(encodeModule(build()));
      modules.set(key, compiled);
    }
    exports = new WebAssembly.Instance(compiled, { env: { memory } }).exports as T;
  } catch {
    exports = null;
  }
  perMemory.set(key, exports);
  return exports;
}
