/** Helpers shared by the repositories: JSON text columns, timestamps, a clear error for a missing run. */

export function nowIso(): string {
  return new Date().toISOString();
}

/** JSON text for a column; refuses what JSON cannot hold instead of storing a silent `undefined`. */
export function toJsonText(value: unknown, what: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (cause) {
    throw new Error(`${what} cannot be stored: it is not JSON-serialisable (${(cause as Error).message})`, { cause });
  }
  if (text === undefined) throw new Error(`${what} cannot be stored: it is ${typeof value}, not a JSON value`);
  return text;
}

export function fromJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new Error(`${what} holds invalid JSON: ${(cause as Error).message}`, { cause });
  }
}

/** Runs a write that references a run, turning SQLite's bare foreign-key failure into a message that names the run. */
export function forRun<T>(runId: number, write: () => T): T {
  try {
    return write();
  } catch (cause) {
    if ((cause as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      throw new Error(`run ${runId} does not exist`, { cause });
    }
    throw cause;
  }
}
