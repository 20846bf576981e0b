/**
 * The safetensors file format (huggingface/safetensors): an 8-byte little-endian header length N,
 * N bytes of JSON `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {str: str}}`
 * (padded with spaces so the data starts 8-byte aligned), then the tensors' little-endian bytes,
 * offsets relative to the data's start. Only the dtypes a PyTorch state_dict of this project needs.
 */

export type SafeDtype = 'F32' | 'I64';

export interface SafeTensor {
  name: string;
  dtype: SafeDtype;
  shape: number[];
  /** Row-major values: F32 as a Float32Array, I64 as a BigInt64Array. */
  data: Float32Array | BigInt64Array;
}

const BYTES: Record<SafeDtype, number> = { F32: 4, I64: 8 };

const count = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

function checkTensor(t: SafeTensor): void {
  if (!(t.dtype in BYTES)) throw new Error(`tensor '${t.name}' has dtype ${t.dtype}; safetensors here writes F32 and I64`);
  if ((t.dtype === 'F32') !== t.data instanceof Float32Array) throw new Error(`tensor '${t.name}': dtype ${t.dtype} does not match its data array`);
  if (count(t.shape) !== t.data.length) throw new Error(`tensor '${t.name}' has shape [${t.shape}] but ${t.data.length} values`);
}

/** The bytes of a safetensors file holding `tensors` (names unique) and string metadata. */
export function writeSafetensors(tensors: readonly SafeTensor[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = Object.keys(metadata).length > 0 ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const t of tensors) {
    checkTensor(t);
    if (t.name in header) throw new Error(`tensor name '${t.name}' appears twice`);
    const size = t.data.length * BYTES[t.dtype];
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  const view = new DataView(out.buffer, 8 + headerBytes.length);
  let at = 0;
  for (const t of tensors) {
    for (const v of t.data) {
      if (t.dtype === 'F32') view.setFloat32(at, v as number, true);
      else view.setBigInt64(at, v as bigint, true);
      at += BYTES[t.dtype];
    }
  }
  return out;
}

interface HeaderEntry {
  dtype: SafeDtype;
  shape: number[];
  data_offsets: [number, number];
}

/** The tensors (in file order) and metadata of a safetensors file; refuses a malformed one, saying what is wrong. */
export function readSafetensors(bytes: Uint8Array): { tensors: SafeTensor[]; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new Error(`not a safetensors file: ${bytes.length} bytes, fewer than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > bytes.length - 8) throw new Error(`not a safetensors file: header length ${headerLength} exceeds the file's ${bytes.length} bytes`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`not a safetensors file: its header is not JSON (${(err as Error).message})`);
  }
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const entries = Object.entries(header)
    .filter(([name]) => name !== '__metadata__')
    .map(([name, e]) => ({ name, ...(e as HeaderEntry) }))
    .sort((a, b) => a.data_offsets[0] - b.data_offsets[0]);
  const tensors = entries.map((e) => {
    if (!(e.dtype in BYTES)) throw new Error(`tensor '${e.name}' has dtype ${e.dtype}; this reader knows F32 and I64`);
    const [begin, end] = e.data_offsets;
    if (!(begin >= 0 && end <= dataLength && end - begin === count(e.shape) * BYTES[e.dtype])) {
      throw new Error(`tensor '${e.name}': offsets [${begin}, ${end}] do not hold shape [${e.shape}] of ${e.dtype} in ${dataLength} data bytes`);
    }
    const n = count(e.shape);
    const data = e.dtype === 'F32' ? new Float32Array(n) : new BigInt64Array(n);
    const at = dataStart + begin;
    for (let i = 0; i < n; i++) {
      if (data instanceof Float32Array) data[i] = view.getFloat32(at + 4 * i, true);
      else data[i] = view.getBigInt64(at + 8 * i, true);
    }
    return { name: e.name, dtype: e.dtype, shape: e.shape, data };
  });
  return { tensors, metadata };
}
