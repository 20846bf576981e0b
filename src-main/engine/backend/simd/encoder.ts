/**
 * A minimal WebAssembly binary encoder: enough to write small SIMD loops by hand (no compiler for
 * wasm is installed here, and a loop of a few dozen instructions does not need one). Functions take
 * i32 parameters only and return nothing; the module imports the wasm backend's memory as
 * `env.memory`, so kernels work in place on tensors of the tfjs heap.
 */

export const op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32LtS: 0x48,
  i32LtU: 0x49,
  i32GtS: 0x4a,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  f32Load: 0x2a,
  f32Store: 0x38,
  f32Const: 0x43,
  f32Add: 0x92,
  voidType: 0x40,
} as const;

/** Opcodes after the 0xfd SIMD prefix (LEB128-encoded). */
export const simd = {
  v128Load: 0x00,
  v128Store: 0x0b,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f32x4Max: 0xe9,
  v128Const: 0x0c,
  i32x4Splat: 0x11,
  f32x4Splat: 0x13,
  i32x4ExtractLane: 0x1b,
  f32x4Ne: 0x42,
  f32x4Gt: 0x44,
  v128And: 0x4e,
  v128Or: 0x50,
  v128Bitselect: 0x52,
  i32x4Add: 0xae,
  /** Relaxed SIMD: a·b + c, fused where the CPU has FMA (see `relaxedSimd` in generated.ts). */
  f32x4RelaxedMadd: 0x105,
} as const;

export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** Instruction helpers: each returns its bytes. */
export const ins = {
  get: (i: number) => [op.localGet, ...uleb(i)],
  set: (i: number) => [op.localSet, ...uleb(i)],
  tee: (i: number) => [op.localTee, ...uleb(i)],
  const: (v: number) => [op.i32Const, ...sleb(v)],
  simd: (code: number) => [0xfd, ...uleb(code)],
  /** v128 load/store with alignment hint 1 byte (tensors are 4-byte aligned only) and offset 0. */
  load: () => [0xfd, ...uleb(simd.v128Load), 0, 0],
  store: () => [0xfd, ...uleb(simd.v128Store), 0, 0],
  /** v128 load/store at address + a constant byte offset (the memarg's immediate: no i32.add). */
  loadAt: (offset: number) => [0xfd, ...uleb(simd.v128Load), 0, ...uleb(offset)],
  storeAt: (offset: number) => [0xfd, ...uleb(simd.v128Store), 0, ...uleb(offset)],
  /** f32 load/store with a constant byte offset. */
  f32Load: (offset = 0) => [op.f32Load, 0, ...uleb(offset)],
  f32Store: (offset = 0) => [op.f32Store, 0, ...uleb(offset)],
  f32Const: (v: number) => [op.f32Const, ...new Uint8Array(Float32Array.of(v).buffer)],
  i32x4Const: (lanes: [number, number, number, number]) => [0xfd, ...uleb(simd.v128Const), ...new Uint8Array(Int32Array.from(lanes).buffer)],
  extractLane: (lane: number) => [0xfd, ...uleb(simd.i32x4ExtractLane), lane],
};

const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (s: string) => vec([...Buffer.from(s, 'utf8')].map((b) => [b]));
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];

export interface FunctionDef {
  name: string;
  params: number;
  /** Extra i32 locals after the parameters. */
  locals: number;
  /** v128 locals after the i32 ones. */
  vectorLocals?: number;
  body: number[];
}

const I32 = 0x7f;
const V128 = 0x7b;

/** The module's bytes: one (i32 × params) → () type per function, memory imported as env.memory. */
export function encodeModule(functions: readonly FunctionDef[]): Uint8Array<ArrayBuffer> {
  const types = section(1, vec(functions.map((f) => [0x60, ...vec(Array.from({ length: f.params }, () => [I32])), 0])));
  const imports = section(2, vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]]));
  const funcs = section(3, vec(functions.map((_, i) => uleb(i))));
  const exports = section(7, vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)])));
  const code = section(
    10,
    vec(
      functions.map((f) => {
        const groups = [...(f.locals ? [[...uleb(f.locals), I32]] : []), ...(f.vectorLocals ? [[...uleb(f.vectorLocals), V128]] : [])];
        const body = [...vec(groups), ...f.body, op.end];
        return [...uleb(body.length), ...body];
      }),
    ),
  );
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...funcs, ...exports, ...code]);
}
