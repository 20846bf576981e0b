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
