import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { BlackBoxEvaluatorConfig } from '../../src-shared/model/algorithms/blackbox';
import type { DatasetConfig } from '../../src-shared/model/dataset';
import { EMBEDDED_FOLDER } from '../engine/data/datasets';
import type { DatasetReference } from './job';

/** A path under each worker's own resources folder (the app's embedded data and tables). */
const RESOURCES_PREFIX = '@resources/';

/** The data an evaluator reads: the NB201 table for a lookup, the image folder for a training. */
export function datasetPathOf(config: BlackBoxEvaluatorConfig): string {
  if (config.kind === 'nb201-tabular') return `${RESOURCES_PREFIX}nb201/${config.dataset}.json`;
  return imagesPathOf(config.dataset);
}

/** The image folder of a training's dataset: the embedded sample in each worker's resources, or an absolute folder. */
export function imagesPathOf(dataset: DatasetConfig): string {
  if (dataset.name === 'embedded') return `${RESOURCES_PREFIX}${EMBEDDED_FOLDER}`;
  if (!dataset.dir) throw new Error(`dataset '${dataset.name}' needs "dir": the folder that holds its files`);
  if (!isAbsolute(dataset.dir)) throw new Error(`a queued run's dataset folder must be an absolute path every worker can resolve, got '${dataset.dir}'`);
  return dataset.dir;
}

/** Where `path` is on this machine. */
export function resolveDatasetPath(path: string, resourcesDir: string): string {
  return path.startsWith(RESOURCES_PREFIX) ? join(resourcesDir, path.slice(RESOURCES_PREFIX.length)) : resolve(path);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

const hashes = new Map<string, string>();

/**
 * SHA-256 of a file's bytes, or of a folder: every file under it by its relative path and its own
 * hash, in path order (so the same files on two machines hash the same wherever they live).
 * Cached per path, sizes and modification times: a changed file is hashed again.
 */
export function datasetHash(path: string): string {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) throw new Error(`dataset ${path} does not exist on this machine: copy the run's data there (same files) or mount it at that path`);
  const files = stat.isDirectory() ? filesUnder(path) : [path];
  const signature = `${path}\n${files.map((f) => { const s = statSync(f); return `${f}:${s.size}:${s.mtimeMs}`; }).join('\n')}`;
  const cached = hashes.get(signature);
  if (cached) return cached;
  const whole = createHash('sha256');
  if (!stat.isDirectory()) whole.update(readFileSync(path));
  else for (const f of files) whole.update(`${relative(path, f)}\0${createHash('sha256').update(readFileSync(f)).digest('hex')}\n`);
  const digest = whole.digest('hex');
  hashes.set(signature, digest);
  return digest;
}

/** The reference a job carries: the evaluator's data path and its hash on the machine that queues. */
export function datasetReferenceOf(config: BlackBoxEvaluatorConfig, resourcesDir: string): DatasetReference {
  return referenceTo(datasetPathOf(config), resourcesDir);
}

/** The reference to a path (as a worker resolves it) with its content hash on this machine. */
export function referenceTo(path: string, resourcesDir: string): DatasetReference {
  return { path, sha256: datasetHash(resolveDatasetPath(path, resourcesDir)) };
}

/** Throws a message saying what to do when this machine's copy of the data differs from the run's. */
export function verifyDataset(ref: DatasetReference, resourcesDir: string, where: string): void {
  const local = resolveDatasetPath(ref.path, resourcesDir);
  const found = datasetHash(local);
  if (found !== ref.sha256) {
    throw new Error(`dataset ${ref.path} on ${where} (${local}) has sha256 ${found.slice(0, 12)}…, the run's is ${ref.sha256.slice(0, 12)}…: give this worker the same files`);
  }
}
