import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write';
import type { StateBundle, TensorDtype } from './state';

/**
 * The checkpoint file: 8 bytes of magic, a little-endian uint32 header length, the UTF-8 JSON header,
 * then every tensor's raw little-endian values back to back (offsets in the header count from the
 * end of the header). The header also carries the JSON state. See docs/checkpoints.md.
 */
export const CHECKPOINT_MAGIC = 'NASCKPT\n';
export const CHECKPOINT_FORMAT = 1;

export interface CheckpointInfo {
  algorithm: string;
  /** Steps completed when the state was taken (the run loop's count; the first step is 1). */
  step: number;
  /** Epochs completed (0 for black-box runs). */
  epoch: number;
}

interface TensorEntry {
  name: string;
  dtype: TensorDtype;
  shape: number[];
  offset: number;
  bytes: number;
}

interface Header extends CheckpointInfo {
  format: number;
  tensors: TensorEntry[];
  state: Record<string, unknown>;
}

/** The written file, as the `checkpoint` message reports it. */
export interface WrittenCheckpoint {
  file: string;
  bytes: number;
  sha256: string;
}

if (endianness() !== 'LE') throw new Error('checkpoint files are little-endian; this machine is big-endian');

/** NaN and ±Infinity survive the JSON state (JSON.stringify would turn them into null). */
const NON_FINITE = '$nonFinite';
const replacer = (_key: string, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? { [NON_FINITE]: String(value) } : value);
const reviver = (_key: string, value: unknown) =>
  value !== null && typeof value === 'object' && NON_FINITE in value && Object.keys(value).length === 1 ? Number((value as Record<string, string>)[NON_FINITE]) : value;

export function encodeCheckpoint(info: CheckpointInfo, bundle: StateBundle): Buffer {
  const tensors: TensorEntry[] = [];
  let offset = 0;
  for (const [name, t] of bundle.tensors) {
    tensors.push({ name, dtype: t.dtype, shape: t.shape, offset, bytes: t.data.byteLength });
    offset += t.data.byteLength;
  }
  const header: Header = { format: CHECKPOINT_FORMAT, ...info, tensors, state: Object.fromEntries(bundle.json) };
  const headerBytes = Buffer.from(JSON.stringify(header, replacer), 'utf8');
  const prefix = Buffer.alloc(12);
  prefix.write(CHECKPOINT_MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(headerBytes.length, 8);
  const parts = [prefix, headerBytes, ...[...bundle.tensors.values()].map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength))];
  return Buffer.concat(parts);
}

/** Parses a checkpoint's bytes; every way a file can be wrong is an error naming `file` and the fault. */
export function decodeCheckpoint(bytes: Buffer, file: string): { info: CheckpointInfo; bundle: StateBundle } {
  const bad = (what: string) => new Error(`checkpoint ${file} is damaged: ${what}`);
  if (bytes.length < 12 || bytes.toString('latin1', 0, 8) !== CHECKPOINT_MAGIC) throw bad('it does not start with the checkpoint signature');
  const headerLength = bytes.readUInt32LE(8);
  if (12 + headerLength > bytes.length) throw bad(`truncated: the header needs ${headerLength} bytes, the file has ${bytes.length - 12} after the signature`);
  let header: Header;
  try {
    header = JSON.parse(bytes.toString('utf8', 12, 12 + headerLength), reviver) as Header;
  } catch (error) {
    throw bad(`the header is not valid JSON (${(error as Error).message})`);
  }
  if (header.format !== CHECKPOINT_FORMAT) {
    throw new Error(`checkpoint ${file} has format version ${header.format}; this engine reads version ${CHECKPOINT_FORMAT}`);
  }
  if (typeof header.algorithm !== 'string' || !Number.isInteger(header.step) || !Number.isInteger(header.epoch) || !Array.isArray(header.tensors)) {
    throw bad('the header lacks algorithm, step, epoch or the tensor index');
  }
  const dataStart = 12 + headerLength;
  const bundle: StateBundle = { tensors: new Map(), json: new Map(Object.entries(header.state ?? {})) };
  for (const t of header.tensors) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    if ((t.dtype !== 'float32' && t.dtype !== 'int32') || t.bytes !== size * 4) throw bad(`tensor '${t.name}' has an inconsistent index entry`);
    const start = dataStart + t.offset;
    if (start + t.bytes > bytes.length) throw bad(`truncated: tensor '${t.name}' ends at byte ${start + t.bytes}, the file has ${bytes.length}`);
    const copy = new Uint8Array(bytes.subarray(start, start + t.bytes));
    const data = t.dtype === 'float32' ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer);
    bundle.tensors.set(t.name, { dtype: t.dtype, shape: t.shape, data });
  }
  return { info: { algorithm: header.algorithm, step: header.step, epoch: header.epoch }, bundle };
}

export function checkpointName(step: number): string {
  return `step-${String(step).padStart(9, '0')}.ckpt`;
}

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Writes the checkpoint atomically: a temporary file in the same folder, fsync, rename to
 * `step-<nnnnnnnnn>.ckpt`, fsync the folder. A crash leaves either the old set of files or the new
 * complete one (plus at most a temporary file, which no reader opens).
 */
export function writeCheckpoint(dir: string, info: CheckpointInfo, bundle: StateBundle): WrittenCheckpoint {
  const bytes = encodeCheckpoint(info, bundle);
  const file = join(dir, checkpointName(info.step));
  writeFileAtomic(file, bytes);
  return { file, bytes: bytes.length, sha256: sha256(bytes) };
}

/**
 * Reads a recorded checkpoint: the bytes must have the recorded SHA-256 and parse, and the file must
 * be of `algorithm`. Throws an error saying what is wrong with the file otherwise.
 */
export function readCheckpoint(ref: { file: string; sha256: string }, algorithm: string): { info: CheckpointInfo; bundle: StateBundle } {
  if (!existsSync(ref.file)) throw new Error(`checkpoint ${ref.file} is missing`);
  const bytes = readFileSync(ref.file);
  const actual = sha256(bytes);
  if (actual !== ref.sha256) throw new Error(`checkpoint ${ref.file} is damaged: its SHA-256 is ${actual}, ${ref.sha256} was recorded when it was written`);
  const read = decodeCheckpoint(bytes, ref.file);
  if (read.info.algorithm !== algorithm) throw new Error(`checkpoint ${ref.file} was written by a '${read.info.algorithm}' run; this run is '${algorithm}'`);
  return read;
}
