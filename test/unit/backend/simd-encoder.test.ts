import { describe, expect, it } from 'vitest';
import { encodeModule, ins, op, sleb, uleb } from '../../../src-main/engine/backend/simd/encoder';

describe('the WebAssembly encoder', () => {
  it('writes LEB128 as the spec examples do', () => {
    expect(uleb(0)).toEqual([0x00]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-1)).toEqual([0x7f]);
  });

  it('builds a module that validates and runs: out[0] = a·b + 5 stored on an imported memory', () => {
    const body = [...ins.get(2), ...ins.get(0), ...ins.get(1), op.i32Mul, ...ins.const(5), op.i32Add, 0x36, 2, 0];
    const bytes = encodeModule([{ name: 'f', params: 3, locals: 0, body }]);
    expect(WebAssembly.validate(bytes)).toBe(true);
    const memory = new WebAssembly.Memory({ initial: 1 });
    const { f } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as { f: (...a: number[]) => void };
    f(6, 7, 64);
    expect(new Int32Array(memory.buffer)[16]).toBe(47);
  });
});
