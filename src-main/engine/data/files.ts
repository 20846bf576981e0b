import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** A file's bytes, gunzipped when they start with the gzip magic (whatever the file is called). */
export async function readMaybeGzipped(file: string): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (cause) {
    throw new Error(`cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (cause) {
      throw new Error(`${file} looks gzipped but does not decompress: ${(cause as Error).message}`, { cause });
    }
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The first of `names` present as a file in `dir`, or null. */
export async function firstPresent(dir: string, names: readonly string[]): Promise<string | null> {
  for (const name of names) {
    const path = join(dir, name);
    if (await isFile(path)) return path;
  }
  return null;
}

/** Thrown when a dataset folder lacks files; the message lists every file that was looked for. */
export function missingFilesError(dataset: string, dir: string, expected: readonly string[]): Error {
  return new Error(
    `the ${dataset} folder ${dir} lacks its files: expected ${expected.join(', ')}. ` +
      'Point "dir" at the folder that holds them.',
  );
}
