/**
 * Which chart a metric key goes to. Keys are dotted names (`train.loss`, `valid.acc`,
 * `alpha.entropy.normal`, `hessian.eigenvalue`). A leading data split (train / valid / val / test)
 * is what differs between the lines of one chart, so `train.loss` and `valid.loss` share the chart
 * `loss`; any other key goes to the chart named by everything but its last part
 * (`alpha.entropy.normal` and `alpha.entropy.reduce` share `alpha.entropy`). New key families thus get
 * their chart without code changes.
 */
const SPLITS = new Set(['train', 'valid', 'val', 'test']);

export type MetricGroup = { id: string; title: string; keys: string[] };

export function groupOfKey(key: string): string {
  const parts = key.split('.');
  if (parts.length === 1) return key;
  // Few-shot NAS's `fewshot.<op>.valid.acc`: one chart per figure, a line per sub-supernet.
  if (parts[0] === 'fewshot' && parts.length > 2) return `fewshot.${parts.slice(2).join('.')}`;
  if (SPLITS.has(parts[0])) return parts.slice(1).join('.');
  return parts.slice(0, -1).join('.');
}

const TITLES: Record<string, string> = {
  loss: 'Loss',
  acc: 'Accuracy',
  accuracy: 'Accuracy',
  'alpha.entropy': 'Architecture entropy',
  hessian: 'Hessian (dominant eigenvalue)',
};

function titleOf(group: string): string {
  if (group.startsWith('fewshot.')) return `Few-shot sub-supernets: ${group.slice('fewshot.'.length)}`;
  return TITLES[group] ?? group;
}

/** Groups keys into charts, loss and accuracy first, then the rest by name; keys sorted in each. */
export function groupMetricKeys(keys: Iterable<string>): MetricGroup[] {
  const byGroup = new Map<string, string[]>();
  for (const key of keys) {
    const id = groupOfKey(key);
    const list = byGroup.get(id);
    if (list) {
      if (!list.includes(key)) list.push(key);
    } else byGroup.set(id, [key]);
  }
  const rank = (id: string): number => (id === 'loss' ? 0 : id === 'acc' || id === 'accuracy' ? 1 : 2);
  return [...byGroup.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([id, list]) => ({ id, title: titleOf(id), keys: list.sort() }));
}
