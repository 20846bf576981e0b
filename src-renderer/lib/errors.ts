import { ApiError } from '../../src-shared/api-error';
import { CHANNEL_NAMES } from '../../src-shared/channel-names';
import type { AppError } from '../../src-shared/contract';

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** `runs.start: ` and the like: the server names the channel that failed, which means nothing to a user. */
const CHANNEL_PREFIX = new RegExp(`^(?:${CHANNEL_NAMES.map(escape).join('|')}): `);
/** `config.` before a field path (`config.epochs: …`): every run form field is in the config. */
const CONFIG_PATH = /(^|; )config\./g;

/**
 * A server message as the user reads it: without the channel prefix and the `config.` of field
 * paths, so "runs.start: config.epochs: Too small" reads "epochs: Too small". The field path itself
 * stays: it is the name the form, the docs and the config files use.
 */
export function userText(message: string): string {
  return message.replace(CHANNEL_PREFIX, '').replace(CONFIG_PATH, '$1');
}

/** What the user sees for a failure: the server's message, never a stack trace. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return userText(error.message);
  if (error instanceof Error) return userText(error.message) || error.name;
  if (typeof error === 'string') return userText(error);
  return 'Something went wrong (no details were given).';
}

/** The AppError behind a failure, when the server answered one. */
export function appErrorOf(error: unknown): AppError | null {
  return error instanceof ApiError ? error.error : null;
}
