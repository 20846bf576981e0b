/**
 * Time left of a run from its progress so far, assuming the remaining units go at the average pace
 * of the done ones: elapsed / done · (total − done). Null when nothing is done yet or the figures
 * make no sense (no total, negative time). The CLI's progress bar and the dashboard both show it.
 */
export function estimateSecondsLeft(done: number, total: number, elapsedSeconds: number): number | null {
  if (!(done > 0) || !(total > 0) || !(elapsedSeconds >= 0) || !Number.isFinite(elapsedSeconds)) return null;
  return (elapsedSeconds / done) * Math.max(0, total - done);
}

/** "about 2 h 05 min", "about 3 min", "under a minute": the estimate is rough, so no seconds past a minute. */
export function formatTimeLeft(seconds: number): string {
  if (seconds < 60) return 'under a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min`;
  return `about ${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** A run's progress seen at a moment (ms since the epoch). */
export interface ProgressAt {
  time: number;
  done: number;
}

/**
 * Time left of a run being watched: from the pace since `seen` (the first progress this watcher
 * saw) once the run moved past it, else from the run's start. The first is right after a resume,
 * whose start time is the run's first start (the downtime would count as work) and whose done
 * steps include those before the interruption.
 */
export function watchedSecondsLeft(now: ProgressAt & { total: number }, startedAt: number, seen: ProgressAt | null): number | null {
  if (seen && now.done > seen.done) return estimateSecondsLeft(now.done - seen.done, now.total - seen.done, (now.time - seen.time) / 1000);
  return estimateSecondsLeft(now.done, now.total, (now.time - startedAt) / 1000);
}
