import type { z } from 'zod';
import { RunConfig } from '../../src-shared/model/run-config';
import type { SearchSpace } from '../../src-shared/model/space';
import { buildConfig, visibleFields, type AlgorithmForm, type FormValues } from './run-forms';

/**
 * The form checked as the user types, by the same RunConfig schema main validates `runs.start`
 * with, so the messages are the engine's own. Each issue goes to the input it is about: the field
 * at its path, else the nearest shown field above it (`earlyStop` for a problem of the whole
 * early-stop block). An issue about something without a shown input (a carried space as a whole)
 * is listed apart, prefixed by its path in the config.
 */
export type FormCheck = {
  /** The parsed config when the form is valid. */
  config: RunConfig | null;
  /** Messages by field path; several for one field are joined. */
  fieldErrors: Record<string, string>;
  otherErrors: string[];
};

function fieldOfIssue(paths: readonly string[], issuePath: string): string | null {
  if (paths.includes(issuePath)) return issuePath;
  let best: string | null = null;
  for (const p of paths) if (issuePath.startsWith(`${p}.`) && (!best || p.length > best.length)) best = p;
  return best;
}

export function issuesByField(issues: readonly z.core.$ZodIssue[], paths: readonly string[]): Pick<FormCheck, 'fieldErrors' | 'otherErrors'> {
  const fieldErrors: Record<string, string> = {};
  const otherErrors: string[] = [];
  for (const issue of issues) {
    const path = issue.path.map(String).join('.');
    const field = fieldOfIssue(paths, path);
    if (field) fieldErrors[field] = fieldErrors[field] ? `${fieldErrors[field]}; ${issue.message}` : issue.message;
    else otherErrors.push(path ? `${path}: ${issue.message}` : issue.message);
  }
  return { fieldErrors, otherErrors };
}

export function checkForm(form: AlgorithmForm, values: FormValues, space: SearchSpace | null, base: Record<string, unknown>): FormCheck {
  const parsed = RunConfig.safeParse(buildConfig(form, values, space, base));
  if (parsed.success) return { config: parsed.data, fieldErrors: {}, otherErrors: [] };
  return { config: null, ...issuesByField(parsed.error.issues, visibleFields(form, space, values).map((f) => f.path)) };
}
