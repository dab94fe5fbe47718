// Where a function is in the file it came from. A function object knows only its own source text
// (Function.prototype.toString), so a tool that has the file (`jitctl explain`) parses it with
// acorn and looks for the function, method or arrow whose text is exactly that source; its start
// is then the origin the front end adds to its positions. Never throws.

import * as acorn from 'acorn';
import type { AnyNode } from './parse.js';

const CANDIDATES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'MethodDefinition', 'Property']);

function parse(text: string): acorn.Program | undefined {
  for (const sourceType of ['module', 'script'] as const) {
    try {
      return acorn.parse(text, { ecmaVersion: 'latest', sourceType, locations: true, allowHashBang: true, allowReturnOutsideFunction: sourceType === 'script' });
    } catch {
      // Try the other source type; a file neither parses as has no positions to give.
    }
  }
  return undefined;
}

function isNode(value: unknown): value is AnyNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/**
 * The 1-based line and column in `fileText` where the function whose source text is `source`
 * starts, or undefined when no function in the file has exactly that text (or the file does not
 * parse). With several matches, the first.
 */
export function locateFunction(fileText: string, source: string): { line: number; column: number } | undefined {
  const program = parse(fileText);
  if (!program || source.length === 0) return undefined;
  const stack: unknown[] = [program];
  let found: AnyNode | undefined;
  let foundAt = 0;
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push(node[i]);
      continue;
    }
    if (!isNode(node)) continue;
    if (CANDIDATES.has(node.type)) {
      // A method's text starts at its key, after `static` (and a computed key's bracket).
      const key = node.key as AnyNode | undefined;
      const starts = [node.start, ...(key && (node.type === 'MethodDefinition' || node.type === 'Property') ? [key.start, key.start - 1] : [])];
      for (const start of starts) {
        if (node.end - start === source.length && fileText.slice(start, node.end) === source && (!found || start < foundAt)) {
          found = node;
          foundAt = start;
        }
      }
    }
    for (const key of Object.keys(node)) {
      if (key === 'loc') continue;
      const child = node[key];
      if (typeof child === 'object' && child !== null) stack.push(child);
    }
  }
  if (!found) return undefined;
  const at = acorn.getLineInfo(fileText, foundAt);
  return { line: at.line, column: at.column + 1 };
}
