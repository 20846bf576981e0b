import type { ParamStore } from '../ops/params';
import type { DartsEvalNetwork } from './darts-eval-network';
import type { SafeTensor } from './safetensors';

/**
 * Our weight names → the keys of DARTS's NetworkCIFAR / NetworkImageNet state_dict (cnn/model.py,
 * operations.py), where each block is an nn.Sequential whose index counts its ReLUs too:
 * ReLUConvBN `op.[ReLU, conv, BN]`, DilConv `op.[ReLU, dw, pw, BN]`, SepConv `op.[ReLU, dw, pw, BN,
 * ReLU, dw, pw, BN]`, FactorizedReduce `conv_1, conv_2, bn`, conv_7x1_1x7 `[ReLU, 1×7, 7×1, BN]`,
 * stem `[conv, BN]`, stem0 `[conv, BN, ReLU, conv, BN]`, stem1 `[ReLU, conv, BN]`, auxiliary head
 * `features.[ReLU, pool, conv, BN, ReLU, conv, BN, ReLU]`. Leaf: our module's weight → its index.
 */
const STEM_LEAVES: Record<string, Record<string, string>> = {
  stem: { conv: '0', bn: '1' },
  stem0: { conv1: '0', bn1: '1', conv2: '3', bn2: '4' },
  stem1: { conv: '1', bn: '2' },
  'auxiliary_head.features': { conv1: '2', bn1: '3', conv2: '5', bn2: '6' },
};

/** Module kinds recognised by the leaves a module has (its convolutions' names). */
const MODULE_LEAVES: { has: string; leaves: Record<string, string> }[] = [
  { has: 'dw1', leaves: { dw1: 'op.1', pw1: 'op.2', bn1: 'op.3', dw2: 'op.5', pw2: 'op.6', bn2: 'op.7' } },
  { has: 'dw', leaves: { dw: 'op.1', pw: 'op.2', bn: 'op.3' } },
  { has: 'conv1x7', leaves: { conv1x7: '1', conv7x1: '2', bn: '3' } },
  { has: 'conv1', leaves: { conv1: 'conv_1', conv2: 'conv_2', bn: 'bn' } },
  { has: 'conv', leaves: { conv: 'op.1', bn: 'op.2' } },
];

const BN_FIELDS = ['weight', 'bias', 'running_mean', 'running_var'];

/** Splits `a.b.bn1.weight` into module `a.b`, leaf `bn1`, field `weight` (field '' for a conv filter). */
function split(name: string): { module: string; leaf: string; field: string } {
  const parts = name.split('.');
  const last = parts[parts.length - 1];
  if (BN_FIELDS.includes(last) && parts.length >= 3 && !name.endsWith('classifier.weight') && !name.endsWith('classifier.bias')) {
    return { module: parts.slice(0, -2).join('.'), leaf: parts[parts.length - 2], field: last };
  }
  return { module: parts.slice(0, -1).join('.'), leaf: last, field: '' };
}

/** PyTorch's key for one of our weight names, given every leaf name each module has. */
export function pytorchKey(name: string, leavesOf: Map<string, Set<string>>): string {
  if (name === 'classifier.weight' || name === 'classifier.bias' || name.startsWith('auxiliary_head.classifier.')) return name;
  const { module, leaf, field } = split(name);
  const table = STEM_LEAVES[module] ?? MODULE_LEAVES.find((m) => leavesOf.get(module)?.has(m.has))?.leaves;
  const index = table?.[leaf];
  if (index === undefined) throw new Error(`no PyTorch name for weight '${name}'`);
  return `${module}.${index}.${field || 'weight'}`;
}

/** Row-major values of `data` with shape `shape` permuted by `perm` (the output's axis i is the input's perm[i]). */
function permute(data: Float32Array, shape: number[], perm: number[]): Float32Array {
  const outShape = perm.map((p) => shape[p]);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Float32Array(data.length);
  const idx = new Array(outShape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let i = 0; i < idx.length; i++) src += idx[i] * strides[perm[i]];
    out[o] = data[src];
    for (let i = idx.length - 1; i >= 0 && ++idx[i] === outShape[i]; i--) idx[i] = 0;
  }
  return out;
}

/** The axis permutation from our layout to PyTorch's: conv HWIO → OIHW, depthwise [k, k, C, 1] → [C, 1, k, k], dense [in, out] → [out, in]; null: same layout. */
function pytorchPerm(leaf: string, rank: number): number[] | null {
  return rank === 4 ? (leaf.startsWith('dw') ? [2, 3, 0, 1] : [3, 2, 0, 1]) : rank === 2 ? [1, 0] : null;
}

/** Our layout → PyTorch's (`leaf`: our weight's leaf name, which tells a depthwise filter apart). */
export function toPytorchLayout(leaf: string, data: Float32Array, shape: number[]): { data: Float32Array; shape: number[] } {
  const perm = pytorchPerm(leaf, shape.length);
  return perm ? { data: permute(data, shape, perm), shape: perm.map((p) => shape[p]) } : { data, shape };
}

/** PyTorch's layout → ours: the inverse of toPytorchLayout, for loading a saved state_dict. */
export function fromPytorchLayout(leaf: string, data: Float32Array, shape: number[]): { data: Float32Array; shape: number[] } {
  const perm = pytorchPerm(leaf, shape.length);
  if (!perm) return { data, shape };
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return { data: permute(data, shape, inverse), shape: inverse.map((p) => shape[p]) };
}

/** One weight or buffer of a network with the PyTorch key it is saved under. */
export interface KeyedWeight {
  store: ParamStore;
  /** Our name in `store`. */
  name: string;
  /** Our leaf module name (`dw1`, `conv`, `bn`, ...): it decides the layout. */
  leaf: string;
  key: string;
}

/** Every weight, auxiliary weight and BN buffer of a DARTS evaluation network with its NetworkCIFAR/NetworkImageNet state_dict key. */
export function dartsWeightKeys(net: DartsEvalNetwork): KeyedWeight[] {
  const stores: ParamStore[] = [net.params, net.auxParams, net.buffers];
  const names = stores.flatMap((s) => s.names().map((n) => ({ store: s, name: n })));
  const leavesOf = new Map<string, Set<string>>();
  for (const { name } of names) {
    const { module, leaf } = split(name);
    leavesOf.set(module, (leavesOf.get(module) ?? new Set()).add(leaf));
  }
  return names.map(({ store, name }) => ({ store, name, leaf: split(name).leaf, key: pytorchKey(name, leavesOf) }));
}

/**
 * Weights and buffers as safetensors entries under their keys, in PyTorch's layouts; each BN's
 * `running_var` is followed by its `num_batches_tracked` (`batchesTracked`), as PyTorch keeps it.
 */
export function stateDictOf(weights: readonly KeyedWeight[], batchesTracked: number): SafeTensor[] {
  const out: SafeTensor[] = [];
  for (const { store, name, leaf, key } of weights) {
    const v = store.get(name);
    const { data, shape } = toPytorchLayout(leaf, v.dataSync() as Float32Array, v.shape);
    out.push({ name: key, dtype: 'F32', shape, data });
    if (key.endsWith('.running_var')) {
      out.push({ name: key.replace(/running_var$/, 'num_batches_tracked'), dtype: 'I64', shape: [], data: BigInt64Array.of(BigInt(batchesTracked)) });
    }
  }
  return out;
}

/**
 * The network's weights and BN buffers as DARTS's PyTorch state_dict (names and layouts), for
 * safetensors: `load_state_dict` of the genotype's NetworkCIFAR (auxiliary=True when the network
 * has the head) takes them without renaming. `batchesTracked` fills every BN's num_batches_tracked.
 */
export function dartsStateDict(net: DartsEvalNetwork, batchesTracked: number): SafeTensor[] {
  return stateDictOf(dartsWeightKeys(net), batchesTracked);
}
