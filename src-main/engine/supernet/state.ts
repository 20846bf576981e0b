import type { RngState } from '../../../src-shared/model/rng';
import type { StateReader, StateWriter } from '../checkpoint/state';
import type { Supernet } from './types';

/** A supernet's resumable state: its weights by name, α (and PC-DARTS's β) per cell type, and the `noise` op's draws. */
export function saveSupernet(net: Supernet, out: StateWriter): void {
  net.params.saveState(out.scope('weights'));
  for (const a of net.arch) {
    out.tensor(`alpha.${a.kind}`, a.alpha);
    if (a.beta) out.tensor(`beta.${a.kind}`, a.beta);
  }
  out.json('noise', net.noise.getState());
}

export function loadSupernet(net: Supernet, from: StateReader): void {
  net.params.loadState(from.scope('weights'));
  for (const a of net.arch) {
    from.assign(`alpha.${a.kind}`, a.alpha);
    if (a.beta) from.assign(`beta.${a.kind}`, a.beta);
  }
  net.noise.setState(from.json<RngState>('noise'));
}
