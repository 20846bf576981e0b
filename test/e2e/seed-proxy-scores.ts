// Writes proxy scores for the first `count` NAS-Bench-201 cells into a data dir's store, as the
// `proxies` command would (the test needs a filled cache, not minutes of computing). Values are a
// known function of the cell's index so the view's figures can be checked.
import { join } from 'node:path';
import { PROXY_NAMES } from '../../src-shared/model/proxies';
import { Nb201Cells } from '../../src-main/engine/search/blackbox/spaces/nb201-cells';
import { openStore } from '../../src-main/store';

const [dataDir, count] = [process.argv[2], Number(process.argv[3])];
const store = openStore(join(dataDir, 'workbench.sqlite'));
const cells = new Nb201Cells();
const scope = { space: 'nb201', dataset: 'cifar10', seed: 0, settings: 'batch=8;ntk=8;regions=3000' };
for (let i = 0; i < count; i++) {
  const cell = cells.toArchString(i * 97);
  store.proxyScores.put(scope, PROXY_NAMES.map((proxy) => ({ cell, proxy, value: proxy === 'synflow' ? 10 ** (i % 40) : i, seconds: 0.5 })));
}
store.close();
