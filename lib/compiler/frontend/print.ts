// The typed IR as text for explain(): one statement per line, indented, every value with its
// representation (`:f64`, `:i32`, `:u32`, `:bool`; `?` marks a value that may be undefined, NaN
// in the trace; `[in bounds]` a load whose index is proven in range).

import type { Expr, FunctionIR, Stmt, Target } from './ir.js';
import type { Typing } from './types.js';

export function printTypedIR(ir: FunctionIR, typing: Typing): string {
  const name = (v: number) => ir.variables[v]?.name ?? `v${v}`;
  const tag = (e: Expr): string => {
    const t = typing.exprs.get(e);
    if (!t) return ':skipped';
    if (t.kind === 'boolean') return ':bool';
    return `:${t.rep}${t.kind === 'maybe' ? '?' : ''}`;
  };
  const target = (t: Target, e: Expr): string =>
    t.kind === 'var' ? name(t.v) : `${name(t.array)}[${expr(t.index)}]${typing.inBounds.has(e) ? '[in bounds]' : ''}`;
  const expr = (e: Expr): string => {
    switch (e.kind) {
      case 'number': return `${Object.is(e.value, -0) ? '-0' : e.value}${tag(e)}`;
      case 'boolean': return `${e.value}${tag(e)}`;
      case 'undefined': return `undefined${tag(e)}`;
      case 'var': return `${name(e.v)}${tag(e)}`;
      case 'length': return `${name(e.array)}.length${tag(e)}`;
      case 'load': return `${name(e.array)}[${expr(e.index)}]${typing.inBounds.has(e) ? '[in bounds]' : ''}${tag(e)}`;
      case 'mathConstant': return `Math.${e.name}${tag(e)}`;
      case 'unary': return `(${e.op}${expr(e.arg)})${tag(e)}`;
      case 'binary': case 'logical': return `(${expr(e.left)} ${e.op} ${typing.exprs.has(e.right) ? expr(e.right) : '<not evaluated>'})${tag(e)}`;
      case 'conditional': return `(${expr(e.test)} ? ${expr(e.then)} : ${expr(e.otherwise)})${tag(e)}`;
      case 'math': return `Math.${e.fn}(${e.args.map(expr).join(', ')})${tag(e)}`;
      case 'assign': {
        const value = typing.exprs.has(e.value) ? expr(e.value) : '<not evaluated>';
        return `(${target(e.target, e)} ${e.op === '=' ? '' : e.op}= ${value})${tag(e)}`;
      }
      case 'update': return `(${e.prefix ? e.op : ''}${target(e.target, e)}${e.prefix ? '' : e.op})${tag(e)}`;
      case 'sequence': return `(${e.exprs.map(expr).join(', ')})${tag(e)}`;
    }
  };
  const lines: string[] = [];
  const params = ir.params.map((v) => `${name(v)}:${typing.arrays.has(v) ? 'view' : (typing.vars[v]?.rep ?? '?')}`);
  lines.push(`function ${ir.name}(${params.join(', ')}) -> ${typing.returnType}`);
  const stmt = (s: Stmt, depth: number): void => {
    const pad = '  '.repeat(depth);
    switch (s.kind) {
      case 'expression': lines.push(`${pad}${expr(s.expr)}`); break;
      case 'declare': {
        const t = typing.vars[s.v];
        const v = `${ir.variables[s.v]?.declaredAs ?? 'let'} ${name(s.v)}:${t ? (t.kind === 'boolean' ? 'bool' : t.rep + (t.kind === 'maybe' ? '?' : '')) : '?'}`;
        lines.push(`${pad}${v}${s.init ? ` = ${expr(s.init)}` : ''}`);
        break;
      }
      case 'if':
        lines.push(`${pad}if ${expr(s.test)}`);
        stmt(s.then, depth + 1);
        if (s.otherwise) { lines.push(`${pad}else`); stmt(s.otherwise, depth + 1); }
        break;
      case 'loop': {
        const labels = s.labels.map((l) => `${l}: `).join('');
        s.init.forEach((i) => stmt(i, depth));
        const test = s.test ? expr(s.test) : 'true';
        lines.push(`${pad}${labels}${s.testAfterBody ? 'do' : `loop while ${test}`}${s.update ? ` then ${expr(s.update)}` : ''}`);
        stmt(s.body, depth + 1);
        if (s.testAfterBody) lines.push(`${pad}while ${test}`);
        break;
      }
      case 'block':
        if (s.labels.length) lines.push(`${pad}${s.labels.map((l) => `${l}:`).join(' ')}`);
        s.body.forEach((b) => stmt(b, s.labels.length ? depth + 1 : depth));
        break;
      case 'break': case 'continue': lines.push(`${pad}${s.kind}${s.label ? ` ${s.label}` : ''}`); break;
      case 'return': lines.push(`${pad}return${s.value ? ` ${expr(s.value)}` : ''}`); break;
    }
  };
  ir.body.forEach((s) => stmt(s, 1));
  return lines.join('\n');
}
