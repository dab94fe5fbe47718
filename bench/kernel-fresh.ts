// Fresh copies of a kernel for the benchmarks: the same source under a unique name, compiled anew
// by indirect eval, so that neither V8's compilation cache nor feedback from an earlier copy helps
// a first call, and so that --trace-opt lines can be told apart by name.

import * as acorn from 'acorn';
import type { KernelFn } from './kernels/spec.js';

let serial = 0;

/** A new function with `fn`'s source, named `<name>_<tag><n>`. */
export function freshCopy<F extends KernelFn>(fn: F, tag: string): F {
  const source = Function.prototype.toString.call(fn);
  const program = acorn.parse(`(${source}\n)`, { ecmaVersion: 'latest' });
  const statement = program.body[0];
  if (program.body.length !== 1 || statement.type !== 'ExpressionStatement' || statement.expression.type !== 'FunctionExpression' || !statement.expression.id) {
    throw new Error(`a kernel must be a named function declaration: ${fn.name}`);
  }
  const id = statement.expression.id;
  const name = `${id.name}_${tag}${++serial}`;
  // Offsets are into the wrapped text: one character of prefix.
  const text = `${source.slice(0, id.start - 1)}${name}${source.slice(id.end - 1)}`;
  return (0, eval)(`(${text}\n/* fresh copy ${serial} */)`) as F;
}
