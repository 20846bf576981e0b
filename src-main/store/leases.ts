import type BetterSqlite3 from 'better-sqlite3';
import { nowIso } from './common';
import { ownerProcessGone } from './owner';

/** The lease columns of a run row. */
export interface LeaseFields {
  status: string;
  lease_owner: string | null;
  /** Unix milliseconds. */
  lease_expires_at: number | null;
  last_seen_at: string | null;
}

/**
 * A queued or running run nobody keeps alive: no lease (left by a build before leases), an expired
 * one, or an owner on this machine whose process is gone (seen at once, not after the expiry).
 */
export function leaseIsDead(row: LeaseFields, now: number): boolean {
  if (row.status !== 'queued' && row.status !== 'running') return false;
  if (row.lease_owner === null || row.lease_expires_at === null) return true;
  return row.lease_expires_at < now || ownerProcessGone(row.lease_owner);
}

export interface LeasesRepo {
  /**
   * Extends the leases `owner` holds on `ids` by `ttlMs` and records the renewal as lastSeenAt.
   * Answers the ids it still holds: one missing was taken over by another process.
   */
  renew(ids: number[], owner: string, ttlMs: number): number[];
  /**
   * Takes over a run nobody keeps alive (interrupted, failed, or queued/running with a dead lease)
   * and queues it again, held by `owner`. One UPDATE guarded by the lease as it was read: two
   * processes can never both take it. False when it is held alive, finished otherwise, or was just taken.
   */
  takeOver(id: number, owner: string, ttlMs: number): boolean;
  /**
   * Records `interrupted` for a run whose lease is dead (a process that writes anyway does this; a
   * reader only derives it). Keeps lastSeenAt. False when the run is not (or no longer) dead.
   */
  markInterrupted(id: number): boolean;
}

interface LeaseRow extends LeaseFields {
  id: number;
}

const TAKEN_FROM = ['queued', 'running', 'interrupted', 'failed'];

export function leasesRepo(db: BetterSqlite3.Database): LeasesRepo {
  const renew = db.prepare<{ ids: string; owner: string; expiresAt: number; seenAt: string }, { id: number }>(`
    UPDATE runs SET lease_expires_at = @expiresAt, last_seen_at = @seenAt
    WHERE lease_owner = @owner AND status IN ('queued', 'running') AND id IN (SELECT value FROM json_each(@ids))
    RETURNING id`);
  const leaseOf = db.prepare<{ id: number }, LeaseRow>('SELECT id, status, lease_owner, lease_expires_at, last_seen_at FROM runs WHERE id = @id');
  // Guarded by the row as it was read: a renewal or another take-over in between changes it, and this matches nothing.
  const guard = 'id = @id AND status = @seenStatus AND lease_owner IS @seenOwner AND lease_expires_at IS @seenExpires';
  const take = db.prepare(`
    UPDATE runs SET status = 'queued', error = NULL, ended_at = NULL,
      lease_owner = @owner, lease_expires_at = @expiresAt, last_seen_at = @seenAt
    WHERE ${guard}`);
  const interrupt = db.prepare(`
    UPDATE runs SET status = 'interrupted', lease_owner = NULL, lease_expires_at = NULL WHERE ${guard}`);

  const seen = (row: LeaseRow) => ({ id: row.id, seenStatus: row.status, seenOwner: row.lease_owner, seenExpires: row.lease_expires_at });

  return {
    renew(ids, owner, ttlMs) {
      if (ids.length === 0) return [];
      const now = Date.now();
      return renew.all({ ids: JSON.stringify(ids), owner, expiresAt: now + ttlMs, seenAt: new Date(now).toISOString() }).map((r) => r.id);
    },
    takeOver(id, owner, ttlMs) {
      const row = leaseOf.get({ id });
      if (!row || !TAKEN_FROM.includes(row.status)) return false;
      const now = Date.now();
      const live = (row.status === 'queued' || row.status === 'running') && !leaseIsDead(row, now);
      if (live) return false;
      return take.run({ ...seen(row), owner, expiresAt: now + ttlMs, seenAt: nowIso() }).changes === 1;
    },
    markInterrupted(id) {
      const row = leaseOf.get({ id });
      if (!row || !leaseIsDead(row, Date.now())) return false;
      return interrupt.run(seen(row)).changes === 1;
    },
  };
}
