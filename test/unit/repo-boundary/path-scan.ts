import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * Finds the paths a source file builds that point outside the repository. A user's clone has
 * nothing beside it, so code and tests must never read a sibling folder (the team's shared data, say).
 *
 * It evaluates, with the TypeScript parser, the path expressions a file can build without running
 * it: string literals, `__dirname`, `import.meta.dirname`, `dirname(fileURLToPath(import.meta.url))`,
 * `fileURLToPath(new URL('..', import.meta.url))`, `process.cwd()` (the repository root: every npm
 * script runs there), consts bound to those, and `join` / `resolve` / `dirname` over them. Every
 * `join`/`resolve` it can evaluate must land inside the repository or in a system folder; so must a
 * relative literal handed straight to an fs call (read against the working directory, the root).
 * Paths it cannot evaluate (built from function arguments) are not judged.
 */

/** Folders outside the repository that code may read: the OS, Debian's data packages, temp dirs. */
const SYSTEM_PREFIXES = ['/usr/', '/proc/', '/sys/', '/dev/', '/etc/', '/tmp/', '/bin/', '/var/tmp/'];

const FS_READERS = new Set([
  'readFileSync', 'readFile', 'readdirSync', 'readdir', 'existsSync', 'statSync', 'stat', 'openSync', 'open',
  'createReadStream', 'copyFileSync', 'cpSync', 'loadNb201',
]);

export interface Escape {
  line: number;
  text: string;
  resolved: string;
}

export function findEscapes(source: string, file: string, root: string): Escape[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const fileDir = dirname(file);
  const consts = new Map<string, ts.Expression>();
  const visitConsts = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
      const list = node.parent;
      if (ts.isVariableDeclarationList(list) && list.flags & ts.NodeFlags.Const) consts.set(node.name.text, node.initializer);
    }
    ts.forEachChild(node, visitConsts);
  };
  visitConsts(sf);

  const isImportMetaUrl = (e: ts.Expression): boolean =>
    ts.isPropertyAccessExpression(e) && e.name.text === 'url' && ts.isMetaProperty(e.expression);
  const callee = (e: ts.CallExpression): string | undefined =>
    ts.isIdentifier(e.expression) ? e.expression.text : ts.isPropertyAccessExpression(e.expression) ? e.expression.name.text : undefined;

  /** The absolute path (or plain string) an expression evaluates to, or undefined when unknown. */
  const evaluate = (e: ts.Expression, depth = 0): string | undefined => {
    if (depth > 20) return undefined;
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e)) return evaluate(e.expression, depth + 1);
    if (ts.isIdentifier(e)) {
      if (e.text === '__dirname') return fileDir;
      const init = consts.get(e.text);
      return init ? evaluate(init, depth + 1) : undefined;
    }
    if (ts.isPropertyAccessExpression(e) && e.name.text === 'dirname' && ts.isMetaProperty(e.expression)) return fileDir;
    if (!ts.isCallExpression(e)) return undefined;
    const name = callee(e);
    const args = e.arguments;
    if (name === 'cwd' && args.length === 0) return root;
    if (name === 'fileURLToPath' && args.length === 1) {
      const arg = args[0];
      if (isImportMetaUrl(arg)) return file;
      if (ts.isNewExpression(arg) && arg.arguments?.length === 2 && isImportMetaUrl(arg.arguments[1])) {
        const rel = evaluate(arg.arguments[0], depth + 1);
        return rel === undefined ? undefined : resolve(fileDir, rel);
      }
      return undefined;
    }
    if (name === 'dirname' && args.length === 1) {
      const inner = evaluate(args[0], depth + 1);
      return inner !== undefined && isAbsolute(inner) ? dirname(inner) : undefined;
    }
    if ((name === 'join' || name === 'resolve') && args.length > 0) {
      const parts = args.map((a) => evaluate(a, depth + 1));
      if (parts.some((p) => p === undefined)) return undefined;
      const joined = name === 'join' ? join(...(parts as string[])) : resolve(root, ...(parts as string[]));
      return isAbsolute(joined) ? joined : undefined;
    }
    return undefined;
  };

  const outside = (p: string): boolean => {
    const rel = relative(root, p);
    const inRepo = rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
    return !inRepo && !SYSTEM_PREFIXES.some((s) => p.startsWith(s) || `${p}/` === s);
  };

  const escapes: Escape[] = [];
  const report = (node: ts.Node, resolved: string): void => {
    const line = sf.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    escapes.push({ line, text: node.getText().slice(0, 160), resolved });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const name = callee(node);
      if (name === 'join' || name === 'resolve' || name === 'fileURLToPath') {
        const p = evaluate(node);
        if (p !== undefined && outside(p)) report(node, p);
      } else if (name && FS_READERS.has(name) && node.arguments.length > 0) {
        const first = node.arguments[0];
        const p = ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first) ? first.text : undefined;
        if (p !== undefined && !isAbsolute(p) && outside(resolve(root, p))) report(node, resolve(root, p));
        else if (p !== undefined && isAbsolute(p) && outside(p)) report(node, p);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return escapes;
}
