import type { Run } from '../../src-shared/model/records';

/**
 * Turns run.status events into what the desktop shows outside the window: the taskbar/dock
 * progress of the active run and a notification when a run ends. Electron's progress value: a
 * fraction in [0, 1], `INDETERMINATE` (> 1) while the active run has no planned total yet or is
 * only queued, `NO_PROGRESS` (< 0) to remove the bar.
 */
export const NO_PROGRESS = -1;
export const INDETERMINATE = 2;

export interface RunNotice {
  runId: number;
  title: string;
  body: string;
}

const LIVE = new Set<Run['status']>(['queued', 'running']);

export class RunAttention {
  /** Runs seen queued or running, by id: only their ends are announced (not old runs read from the store). */
  private readonly live = new Map<number, Run>();

  /**
   * The new progress value, and the notice to show for this event (null when none): a run seen live
   * that completed, failed or was interrupted; not one the user cancelled, and not while the window
   * has the focus (the user sees the run's status there).
   */
  onStatus(run: Run, windowFocused: boolean): { progress: number; notice: RunNotice | null } {
    const wasLive = this.live.has(run.id);
    if (LIVE.has(run.status)) this.live.set(run.id, run);
    else this.live.delete(run.id);
    const notice = wasLive && !windowFocused ? noticeFor(run) : null;
    return { progress: this.progress(), notice };
  }

  /** The active run is the running one started last; its done/total, clamped. */
  progress(): number {
    const runs = [...this.live.values()];
    const running = runs.filter((r) => r.status === 'running').sort((a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? '') || a.id - b.id);
    const active = running.at(-1);
    if (!active) return runs.length > 0 ? INDETERMINATE : NO_PROGRESS;
    if (active.progressTotal <= 0) return INDETERMINATE;
    return Math.min(1, Math.max(0, active.progressDone / active.progressTotal));
  }
}

function noticeFor(run: Run): RunNotice | null {
  const name = `Run ${run.id} “${run.name}”`;
  switch (run.status) {
    case 'completed':
      return { runId: run.id, title: `${name} completed`, body: `${run.algorithm}: ${run.progressDone} of ${run.progressTotal} steps done.` };
    case 'failed':
      return { runId: run.id, title: `${name} failed`, body: run.error ?? 'No reason was recorded; see its log.' };
    case 'interrupted':
      return { runId: run.id, title: `${name} was interrupted`, body: run.resumable ? 'Its process died. Resume it from its dashboard.' : 'Its process died before its first checkpoint.' };
    default:
      return null;
  }
}
