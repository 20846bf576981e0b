import { rmSync } from 'node:fs';
import { relative, resolve, isAbsolute } from 'node:path';

/**
 * Deletes a run's pruned checkpoint files. Only files inside the run's own checkpoint folder are
 * touched (the paths come from the engine); a missing file is already gone. Answers what could not
 * be deleted and why, for the log; never throws.
 */
export function deleteCheckpointFiles(runDir: string, files: string[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const inside = relative(resolve(runDir), resolve(file));
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
      problems.push(`not deleting ${file}: it is outside the run's checkpoint folder ${runDir}`);
      continue;
    }
    try {
      rmSync(file, { force: true });
    } catch (error) {
      problems.push(`could not delete the old checkpoint ${file}: ${(error as Error).message}`);
    }
  }
  return problems;
}
