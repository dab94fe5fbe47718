// A minimal source -> IR converter for the lowering tests, until the front end's own parser and
// subset check (planKernel) is merged: it resolves names by block scope and maps acorn's nodes to
// the IR's forms, with no subset checks (the tests only feed it kernels inside the subset).

import * as acorn from 'acorn';

import type { KernelPlan } from '../../lib/compiler/frontend/index.js';
import type { AssignOp, Expr, FunctionIR, Pos, Stmt, Target, Variable, VarId } from '../../lib/compiler/frontend/ir.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Node = any;

export function planOf(source: string): KernelPlan {
  const program = acorn.parse(`(${source})`, { ecmaVersion: 'latest', locations: true }) as Node;
  const fn = program.body[0].expression;
  const variables: Variable[] = [];
  const scopes: Map<string, VarId>[] = [];
  const functionScope = new Map<string, VarId>();
  const declare = (name: string, declaredAs: Variable['declaredAs'], startsUndefined: boolean, scope: Map<string, VarId>, paramIndex?: number): VarId => {
    const existing = scope.get(name);
    if (existing !== undefined && declaredAs === 'var') return existing;
    const id = variables.length;
    variables.push({ id, name, declaredAs, paramIndex, assigned: false, startsUndefined });
    scope.set(name, id);
    return id;
  };
  const lookup = (name: string): VarId => {
    for (let i = scopes.length - 1; i >= 0; i--) {
      const v = scopes[i].get(name);
      if (v !== undefined) return v;
    }
    throw new Error(`free name ${name}`);
  };
  const at = (n: Node): Pos => ({ line: n.loc.start.line, column: n.loc.start.column + 1 - (n.loc.start.line === 1 ? 1 : 0) });
  scopes.push(functionScope);
  const params = fn.params.map((p: Node, i: number) => declare(p.name, 'param', false, functionScope, i));
  // var declarations are function-scoped: collect them first.
  const hoist = (n: Node): void => {
    if (!n || typeof n !== 'object') return;
    if (n.type === 'VariableDeclaration' && n.kind === 'var') for (const d of n.declarations) declare(d.id.name, 'var', d.init === null, functionScope);
    for (const k of Object.keys(n)) {
      if (k === 'loc') continue;
      const c = n[k];
      if (Array.isArray(c)) c.forEach(hoist);
      else if (c && typeof c.type === 'string') hoist(c);
    }
  };
  hoist(fn.body);
  const markAssigned = (v: VarId) => { variables[v].assigned = true; };

  const target = (n: Node): Target => {
    if (n.type === 'Identifier') { const v = lookup(n.name); markAssigned(v); return { kind: 'var', v }; }
    return { kind: 'element', array: lookup(n.object.name), index: expr(n.property) };
  };
  const expr = (n: Node): Expr => {
    const p = at(n);
    switch (n.type) {
      case 'Literal':
        if (typeof n.value === 'number') return { kind: 'number', value: n.value, at: p };
        return { kind: 'boolean', value: n.value, at: p };
      case 'Identifier':
        if (n.name === 'undefined') return { kind: 'undefined', at: p };
        if (n.name === 'NaN') return { kind: 'number', value: NaN, at: p };
        if (n.name === 'Infinity') return { kind: 'number', value: Infinity, at: p };
        return { kind: 'var', v: lookup(n.name), at: p };
      case 'MemberExpression':
        if (n.object.name === 'Math') return { kind: 'mathConstant', name: n.property.name, value: (Math as any)[n.property.name], at: p };
        if (!n.computed && n.property.name === 'length') return { kind: 'length', array: lookup(n.object.name), at: p };
        return { kind: 'load', array: lookup(n.object.name), index: expr(n.property), at: p };
      case 'UnaryExpression': return { kind: 'unary', op: n.operator, arg: expr(n.argument), at: p };
      case 'BinaryExpression': return { kind: 'binary', op: n.operator, left: expr(n.left), right: expr(n.right), at: p };
      case 'LogicalExpression': return { kind: 'logical', op: n.operator, left: expr(n.left), right: expr(n.right), at: p };
      case 'ConditionalExpression': return { kind: 'conditional', test: expr(n.test), then: expr(n.consequent), otherwise: expr(n.alternate), at: p };
      case 'CallExpression': return { kind: 'math', fn: n.callee.property.name, args: n.arguments.map(expr), at: p };
      case 'AssignmentExpression': {
        const t = target(n.left);
        return { kind: 'assign', op: (n.operator === '=' ? '=' : n.operator.slice(0, -1)) as AssignOp, target: t, value: expr(n.right), at: p };
      }
      case 'UpdateExpression': return { kind: 'update', op: n.operator, prefix: n.prefix, target: target(n.argument), at: p };
      case 'SequenceExpression': return { kind: 'sequence', exprs: n.expressions.map(expr), at: p };
      case 'ParenthesizedExpression': return expr(n.expression);
      default: throw new Error(`test helper: ${n.type}`);
    }
  };
  const declarations = (n: Node): Stmt[] =>
    n.declarations.map((d: Node) => {
      const init = d.init ? expr(d.init) : null;
      const v = n.kind === 'var' ? lookup(d.id.name) : declare(d.id.name, n.kind, d.init === null, scopes[scopes.length - 1]);
      return { kind: 'declare', at: at(d), v, init } as Stmt;
    });
  const inScope = <T>(f: () => T): T => { scopes.push(new Map()); try { return f(); } finally { scopes.pop(); } };
  const stmt = (n: Node, labels: string[] = []): Stmt => {
    const p = at(n);
    switch (n.type) {
      case 'ExpressionStatement': return { kind: 'expression', at: p, expr: expr(n.expression) };
      case 'VariableDeclaration': { const ds = declarations(n); return ds.length === 1 ? ds[0] : { kind: 'block', at: p, body: ds, labels: [] }; }
      case 'IfStatement': return { kind: 'if', at: p, test: expr(n.test), then: inScope(() => stmt(n.consequent)), otherwise: n.alternate ? inScope(() => stmt(n.alternate)) : null };
      case 'BlockStatement': return inScope(() => ({ kind: 'block', at: p, body: n.body.map((b: Node) => stmt(b)), labels }));
      case 'EmptyStatement': return { kind: 'block', at: p, body: [], labels };
      case 'ForStatement': return inScope(() => ({
        kind: 'loop', at: p,
        init: n.init ? (n.init.type === 'VariableDeclaration' ? declarations(n.init) : [{ kind: 'expression', at: at(n.init), expr: expr(n.init) }]) : [],
        test: n.test ? expr(n.test) : null, update: n.update ? expr(n.update) : null,
        body: inScope(() => stmt(n.body)), testAfterBody: false, labels,
      }));
      case 'WhileStatement': return { kind: 'loop', at: p, init: [], test: expr(n.test), update: null, body: inScope(() => stmt(n.body)), testAfterBody: false, labels };
      case 'DoWhileStatement': { const body = inScope(() => stmt(n.body)); return { kind: 'loop', at: p, init: [], test: expr(n.test), update: null, body, testAfterBody: true, labels }; }
      case 'BreakStatement': return { kind: 'break', at: p, label: n.label?.name ?? null };
      case 'ContinueStatement': return { kind: 'continue', at: p, label: n.label?.name ?? null };
      case 'ReturnStatement': return { kind: 'return', at: p, value: n.argument ? expr(n.argument) : null };
      case 'LabeledStatement': return stmt(n.body, [...labels, n.label.name]);
      default: throw new Error(`test helper: ${n.type}`);
    }
  };
  const body: Stmt[] = fn.body.type === 'BlockStatement'
    ? fn.body.body.map((b: Node) => stmt(b))
    : [{ kind: 'return', at: at(fn.body), value: expr(fn.body) }];
  const ir: FunctionIR = { name: fn.id?.name ?? 'kernel', variables, params, body };
  return { name: ir.name, params: fn.params.map((q: Node) => q.name), mathMembers: [], arrayParams: [], numberParams: [], planMs: 0, ir };
}
