/** A user-facing CLI failure: printed as its message alone (no stack), exit code 2. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/**
 * What the CLI prints for a failure: one line with the message (a store error already says what to
 * do), or with --verbose the stack trace and its causes, for a bug report.
 */
export function describeFailure(error: unknown, verbose: boolean): string {
  if (!(error instanceof Error)) return `error: ${String(error)}\n`;
  if (!verbose) return `error: ${error.message}${error instanceof CliError ? '' : ' (--verbose shows the stack trace)'}\n`;
  let text = `error: ${error.stack ?? error.message}\n`;
  for (let cause = error.cause; cause instanceof Error; cause = cause.cause) text += `caused by: ${cause.stack ?? cause.message}\n`;
  return text;
}
