import * as tf from '@tensorflow/tfjs';

/**
 * A strategy's resumable state, as its pieces write it: named tensors (copied to host memory when
 * written) and named plain-JSON values. Each piece writes under its own scope (`out.scope('sgd')`),
 * so a new strategy only adds its own entries. A `StateBundle` is what a checkpoint file holds.
 */
export type TensorDtype = 'float32' | 'int32';

export interface SavedTensor {
  dtype: TensorDtype;
  shape: number[];
  data: Float32Array | Int32Array;
}

export interface StateBundle {
  tensors: Map<string, SavedTensor>;
  json: Map<string, unknown>;
}

export interface StateWriter {
  /** Copies the tensor's current values (float32 or int32). */
  tensor(name: string, value: tf.Tensor): void;
  /** A plain JSON value (numbers, strings, arrays, objects, null); NaN and ±Infinity are kept. */
  json(name: string, value: unknown): void;
  /** A writer whose names are prefixed `prefix.`. */
  scope(prefix: string): StateWriter;
}

export interface StateReader {
  /** Where the state came from, for error messages (a file path). */
  readonly source: string;
  /** The saved tensor `name` as a new tensor (caller disposes), checked against the shape the live network has. */
  tensor(name: string, shape: readonly number[]): tf.Tensor;
  /** Writes the saved values of `name` into `variable`, checking the shape. */
  assign(name: string, variable: tf.Variable): void;
  json<T>(name: string): T;
  scope(prefix: string): StateReader;
}

export function emptyBundle(): StateBundle {
  return { tensors: new Map(), json: new Map() };
}

/** A writer into `bundle`. */
export function bundleWriter(bundle: StateBundle, prefix = ''): StateWriter {
  const full = (name: string) => prefix + name;
  const claim = (name: string) => {
    if (bundle.tensors.has(name) || bundle.json.has(name)) throw new Error(`checkpoint state '${name}' is written twice`);
  };
  return {
    tensor(name, value) {
      claim(full(name));
      if (value.dtype !== 'float32' && value.dtype !== 'int32') throw new Error(`checkpoint state '${full(name)}' is ${value.dtype}; only float32 and int32 are saved`);
      const data = value.dataSync() as Float32Array | Int32Array;
      bundle.tensors.set(full(name), { dtype: value.dtype, shape: [...value.shape], data: data.slice() });
    },
    json(name, value) {
      claim(full(name));
      bundle.json.set(full(name), value);
    },
    scope: (p) => bundleWriter(bundle, `${full(p)}.`),
  };
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** A reader of `bundle`; every missing entry or mismatched shape is an error naming `source`. */
export function bundleReader(bundle: StateBundle, source: string, prefix = ''): StateReader {
  const full = (name: string) => prefix + name;
  const saved = (name: string, shape: readonly number[]): SavedTensor => {
    const t = bundle.tensors.get(full(name));
    if (!t) throw new Error(`checkpoint ${source} has no tensor '${full(name)}': it was written by a different strategy or version`);
    if (!sameShape(t.shape, shape)) {
      throw new Error(`checkpoint ${source}: tensor '${full(name)}' has shape [${t.shape.join(', ')}], the network built from this config has [${shape.join(', ')}]`);
    }
    return t;
  };
  return {
    source,
    tensor(name, shape) {
      const t = saved(name, shape);
      return tf.tensor(t.data, t.shape, t.dtype);
    },
    assign(name, variable) {
      const t = saved(name, variable.shape);
      const value = tf.tensor(t.data, t.shape, t.dtype);
      variable.assign(value);
      value.dispose();
    },
    json<T>(name: string): T {
      if (!bundle.json.has(full(name))) throw new Error(`checkpoint ${source} has no state '${full(name)}': it was written by a different strategy or version`);
      return bundle.json.get(full(name)) as T;
    },
    scope: (p) => bundleReader(bundle, source, `${full(p)}.`),
  };
}

/** Writes `variables` as `name.0`, `name.1`, ... (their order is the network's creation order). */
export function saveVariables(out: StateWriter, variables: readonly tf.Variable[]): void {
  out.json('count', variables.length);
  variables.forEach((v, i) => out.tensor(String(i), v));
}

export function loadVariables(from: StateReader, variables: readonly tf.Variable[]): void {
  const count = from.json<number>('count');
  if (count !== variables.length) throw new Error(`checkpoint ${from.source} holds ${count} tensors where this network has ${variables.length}`);
  variables.forEach((v, i) => from.assign(String(i), v));
}
