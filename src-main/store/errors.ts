/**
 * SQLite's failures as messages a user can act on. Every repository call goes through `guardRepo`,
 * so a damaged file, a full disk or a read-only store surfaces as a StoreError that says what is
 * wrong and what to do, never as a raw SqliteError. The SQLite code stays on `.code`.
 */

export type StoreErrorKind = 'damaged' | 'full' | 'readonly' | 'outdated';

export class StoreError extends Error {
  readonly code: string | undefined;
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
    this.code = (options?.cause as { code?: string } | undefined)?.code;
  }
}

const sqliteCode = (error: unknown): string => String((error as { code?: unknown } | null)?.code ?? '');

/** True for SQLite's "database or disk is full", also once wrapped in a StoreError. */
export function isDiskFull(error: unknown): boolean {
  return sqliteCode(error) === 'SQLITE_FULL';
}

export function damagedMessage(file: string, detail: string): string {
  return (
    `the workbench database ${file} is damaged (${detail}). Nothing was changed. ` +
    `Move the file aside (keep it: 'sqlite3 FILE .recover' may save its data) and start again with an empty ` +
    `data dir, or point --data-dir at another folder`
  );
}

/** The StoreError for a SQLite failure that has one, else the error unchanged. */
export function explainSqliteError(error: unknown, file: string): unknown {
  if (error instanceof StoreError) return error;
  const code = sqliteCode(error);
  const detail = (error as Error)?.message ?? String(error);
  if (code === 'SQLITE_NOTADB') {
    return new StoreError('damaged', damagedMessage(file, `it is not an SQLite database: ${detail}`), { cause: error });
  }
  if (code.startsWith('SQLITE_CORRUPT')) return new StoreError('damaged', damagedMessage(file, detail), { cause: error });
  if (code === 'SQLITE_FULL') {
    return new StoreError('full', `disk full: the workbench database ${file} cannot grow (${detail}); free some disk space`, {
      cause: error,
    });
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return new StoreError(
      'readonly',
      `the workbench database ${file} is open read-only (a read-only command, or a data dir this user cannot write): nothing was saved`,
      { cause: error },
    );
  }
  return error;
}

/** The repository with every method's SQLite failures explained (see explainSqliteError). */
export function guardRepo<T extends object>(repo: T, file: string): T {
  const guarded = {} as Record<string, unknown>;
  for (const [name, value] of Object.entries(repo)) {
    guarded[name] =
      typeof value === 'function'
        ? (...args: unknown[]) => {
            try {
              return (value as (...a: unknown[]) => unknown)(...args);
            } catch (error) {
              throw explainSqliteError(error, file);
            }
          }
        : value;
  }
  return guarded as T;
}
