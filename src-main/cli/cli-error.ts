/** A user-facing CLI failure: printed as its message alone (no stack), exit code 2. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}
