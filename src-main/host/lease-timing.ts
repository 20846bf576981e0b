/**
 * How long a run's lease lasts without renewal. Long enough that a busy machine (a GC pause, a
 * blocking SQLite checkpoint, a 2-core box training) never lets a live run's lease lapse between
 * beats; short enough that a run whose process died on another machine reads as interrupted within
 * half a minute. On the same machine a dead owner is seen at once (its pid is gone).
 */
export const LEASE_TTL_MS = 30_000;
/** How often the owner renews: six beats per lease, so five can be missed before it lapses. */
export const LEASE_RENEW_MS = 5_000;
/** How often a host checks the store for other processes' writes (PRAGMA data_version): live charts at ~2 Hz. */
export const WATCH_INTERVAL_MS = 500;
