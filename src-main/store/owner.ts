import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who holds a run's lease: `hostname:pid:nonce`. The nonce tells apart two hosts of one process (tests)
 * and a new process that got a dead one's pid; hostname and pid let a process on the same machine see
 * at once that the owner was killed, without waiting for the lease to expire.
 */
export function newOwnerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * Linux: a killed process stays a zombie (state Z, or X while it is being reaped) until its parent
 * reaps it, and kill(pid, 0) still succeeds then; an orphan waits for init. It runs no code: gone.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return false; // no procfs (macOS, Windows) or already gone: kill(pid, 0) decides
  }
}

/**
 * True when the owner ran on this machine and its process no longer exists (kill(pid, 0) answers
 * ESRCH) or is a zombie. An owner on another machine, or one whose pid still runs, is judged by its
 * lease expiry.
 */
export function ownerProcessGone(owner: string): boolean {
  const parts = owner.split(':');
  if (parts.length < 3) return false;
  const pid = Number(parts[parts.length - 2]);
  const host = parts.slice(0, -2).join(':');
  if (host !== hostname() || !Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return isZombie(pid);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
