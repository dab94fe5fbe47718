// AST -> IR: the function's shape and parameters, its statements with their scopes, and the checks
// that need the whole body (parameter kinds, returns). Expressions are in build-expr.ts, names in
// scope.ts, the return check in completion.ts. Stops at the first construct outside the subset by
// throwing a DeclineSignal (decline.ts), which planKernel turns into a value.

import { endPositionOf, isNode, type AnyNode, type ParsedFunction } from '../../source/parse.js';
import { buildExpr } from './build-expr.js';
import { checkReturns } from './completion.js';
import { decline } from './decline.js';
import type { FunctionIR, Loop, Pos, Stmt, VarId } from './ir.js';
import { BuildContext } from './scope.js';

export interface BuiltFunction {
  readonly ir: FunctionIR;
  readonly mathMembers: readonly string[];
  readonly arrayParams: readonly number[];
  readonly numberParams: readonly number[];
  readonly lengthParams: readonly number[];
  /** The globals the body reads (Math, NaN, Infinity, undefined) and where each is first read. */
  readonly globalsRead: ReadonlyMap<string, Pos>;
}

const LOOP_TYPES: ReadonlySet<string> = new Set(['ForStatement', 'WhileStatement', 'DoWhileStatement']);
const STATEMENT_DECLINES: Readonly<Record<string, readonly [string, string, string]>> = {
  SwitchStatement: ['`switch`', '`switch` is outside the kernel subset', 'use if/else'],
  TryStatement: ['`try`', 'exceptions are outside the kernel subset', 'check the condition and return a value instead'],
  ThrowStatement: ['`throw`', 'exceptions are outside the kernel subset', 'check the condition and return a value instead'],
  WithStatement: ['`with`', '`with` is outside the kernel subset', 'name the variables directly'],
  ForInStatement: ['`for...in`', 'iterating over objects is outside the kernel subset', 'use a counted loop: `for (let i = 0; i < a.length; i++)`'],
  ForOfStatement: ['`for...of`', 'iterators are outside the kernel subset', 'use a counted loop: `for (let i = 0; i < a.length; i++)`'],
  DebuggerStatement: ['`debugger`', '`debugger` is outside the kernel subset', 'remove it'],
  FunctionDeclaration: ['a nested function', 'nested functions and classes are outside the kernel subset', 'move it out of the kernel and pass its results in, or inline it'],
  ClassDeclaration: ['a nested class', 'nested functions and classes are outside the kernel subset', 'move it out of the kernel'],
};

/** Declares every `var` of the body in the function scope (hoisting), not looking into nested functions. */
function hoistVars(ctx: BuildContext, node: unknown): void {
  if (Array.isArray(node)) {
    for (const child of node) hoistVars(ctx, child);
    return;
  }
  if (!isNode(node)) return;
  switch (node.type) {
    case 'FunctionDeclaration': case 'FunctionExpression': case 'ArrowFunctionExpression':
    case 'ClassDeclaration': case 'ClassExpression':
      return;
    case 'VariableDeclaration':
      if (node.kind === 'var') {
        for (const declarator of node.declarations as AnyNode[]) {
          const id = declarator.id as AnyNode;
          if (id.type === 'Identifier') ctx.declareVar(id.name as string);
        }
      }
      break;
  }
  for (const key of Object.keys(node)) {
    if (key === 'loc' || key === 'type') continue;
    const child = node[key];
    if (typeof child === 'object' && child !== null) hoistVars(ctx, child);
  }
}

/** Declares the let/const of one statement list in the current scope, in their dead zone. */
function declareLexicals(ctx: BuildContext, statements: readonly AnyNode[]): void {
  for (const statement of statements) {
    if (statement.type !== 'VariableDeclaration' || statement.kind === 'var') continue;
    if (statement.kind !== 'let' && statement.kind !== 'const') continue;
    for (const declarator of statement.declarations as AnyNode[]) {
      const id = declarator.id as AnyNode;
      if (id.type === 'Identifier') ctx.declareLexical(id.name as string, statement.kind);
    }
  }
}

function buildDeclaration(ctx: BuildContext, node: AnyNode, out: Stmt[]): void {
  const kind = node.kind as string;
  if (kind !== 'var' && kind !== 'let' && kind !== 'const') {
    decline(`\`${kind}\` (a declaration)`, ctx.pos(node), `\`${kind}\` declarations are outside the kernel subset`, 'use `let` or `const`');
  }
  for (const declarator of node.declarations as AnyNode[]) {
    const id = declarator.id as AnyNode;
    const at = ctx.pos(declarator);
    if (id.type !== 'Identifier') {
      decline(`\`${ctx.textOf(id)}\` (destructuring)`, ctx.pos(id), 'destructuring is outside the kernel subset', 'declare one variable per value');
    }
    const name = id.name as string;
    const init = isNode(declarator.init) ? buildExpr(ctx, declarator.init) : null;
    if (kind === 'var') {
      // `var x;` again does nothing at run time; `var x = e` is an assignment to the hoisted x.
      if (init === null) continue;
      const v = ctx.declareVar(name);
      if (ctx.variables[v].declaredAs === 'param') ctx.assign(v, declarator);
      else ctx.varInitialized(v);
      out.push({ kind: 'declare', at, v, init });
    } else {
      out.push({ kind: 'declare', at, v: ctx.initialize(name, init !== null), init });
    }
  }
}

/** A statement list in a new block scope. */
function buildBlockBody(ctx: BuildContext, statements: readonly AnyNode[]): Stmt[] {
  ctx.pushScope();
  declareLexicals(ctx, statements);
  const out: Stmt[] = [];
  for (const statement of statements) buildStatement(ctx, statement, [], out);
  ctx.popScope();
  return out;
}

/** The body of an if or a loop: one statement (a block when the source has several or none). */
function buildNested(ctx: BuildContext, node: AnyNode): Stmt {
  ctx.depth++;
  const out: Stmt[] = [];
  buildStatement(ctx, node, [], out);
  ctx.depth--;
  if (out.length === 1) return out[0];
  return { kind: 'block', at: ctx.pos(node), body: out, labels: [] };
}

function buildLoop(ctx: BuildContext, node: AnyNode, labels: readonly string[]): Loop {
  const at = ctx.pos(node);
  if (node.type === 'WhileStatement') {
    const test = buildExpr(ctx, node.test as AnyNode);
    return { kind: 'loop', at, init: [], test, update: null, body: buildNested(ctx, node.body as AnyNode), testAfterBody: false, labels };
  }
  if (node.type === 'DoWhileStatement') {
    const body = buildNested(ctx, node.body as AnyNode);
    const test = buildExpr(ctx, node.test as AnyNode);
    return { kind: 'loop', at, init: [], test, update: null, body, testAfterBody: true, labels };
  }
  ctx.pushScope();
  const init: Stmt[] = [];
  if (isNode(node.init)) {
    // The init runs once, exactly when the loop statement itself runs: same depth as the loop.
    if (node.init.type === 'VariableDeclaration') {
      declareLexicals(ctx, [node.init]);
      buildDeclaration(ctx, node.init, init);
    } else {
      init.push({ kind: 'expression', at: ctx.pos(node.init), expr: buildExpr(ctx, node.init) });
    }
  }
  const test = isNode(node.test) ? buildExpr(ctx, node.test) : null;
  // The update runs after the body; it is built first only because no body name is visible to it.
  const update = isNode(node.update) ? buildExpr(ctx, node.update) : null;
  const body = buildNested(ctx, node.body as AnyNode);
  ctx.popScope();
  return { kind: 'loop', at, init, test, update, body, testAfterBody: false, labels };
}

const STATEMENT_NAMES: Readonly<Record<string, string>> = {
  IfStatement: 'an if statement', ExpressionStatement: 'an expression statement', VariableDeclaration: 'a declaration',
  ReturnStatement: 'a return', BreakStatement: 'a break', ContinueStatement: 'a continue', EmptyStatement: 'an empty statement',
  FunctionDeclaration: 'a function declaration', ClassDeclaration: 'a class declaration', SwitchStatement: 'a switch',
  TryStatement: 'a try', ThrowStatement: 'a throw',
};

function buildStatement(ctx: BuildContext, node: AnyNode, labels: readonly string[], out: Stmt[]): void {
  const at = ctx.pos(node);
  if (LOOP_TYPES.has(node.type)) {
    out.push(buildLoop(ctx, node, labels));
    return;
  }
  switch (node.type) {
    case 'ExpressionStatement':
      // A directive ('use strict') has no effect on a kernel's values.
      if (typeof node.directive === 'string') return;
      out.push({ kind: 'expression', at, expr: buildExpr(ctx, node.expression as AnyNode) });
      return;
    case 'VariableDeclaration':
      buildDeclaration(ctx, node, out);
      return;
    case 'IfStatement': {
      const test = buildExpr(ctx, node.test as AnyNode);
      const then = buildNested(ctx, node.consequent as AnyNode);
      const otherwise = isNode(node.alternate) ? buildNested(ctx, node.alternate) : null;
      out.push({ kind: 'if', at, test, then, otherwise });
      return;
    }
    case 'BlockStatement':
      ctx.depth++;
      out.push({ kind: 'block', at, body: buildBlockBody(ctx, node.body as AnyNode[]), labels });
      ctx.depth--;
      return;
    case 'EmptyStatement':
      return;
    case 'BreakStatement': case 'ContinueStatement': {
      const label = isNode(node.label) ? node.label.name as string : null;
      out.push({ kind: node.type === 'BreakStatement' ? 'break' : 'continue', at, label });
      return;
    }
    case 'ReturnStatement':
      out.push({ kind: 'return', at, value: isNode(node.argument) ? buildExpr(ctx, node.argument) : null });
      return;
    case 'LabeledStatement': {
      const body = node.body as AnyNode;
      const all = [...labels, (node.label as AnyNode).name as string];
      if (body.type === 'LabeledStatement' || body.type === 'BlockStatement' || LOOP_TYPES.has(body.type)) {
        buildStatement(ctx, body, all, out);
        return;
      }
      const what = STATEMENT_NAMES[body.type] ?? 'a statement';
      decline(`\`${(node.label as AnyNode).name as string}:\` (a label on ${what})`, at, 'only loops and blocks can be labeled in a kernel',
        'label the loop or a block, or remove the label');
    }
  }
  const known = STATEMENT_DECLINES[node.type];
  if (known) decline(known[0], at, known[1], known[2]);
  decline(`\`${ctx.textOf(node)}\` (${node.type})`, at, 'this statement is outside the kernel subset', 'rewrite it with the statements the kernel subset lists');
}

function functionName(parsed: ParsedFunction, fallback: string): string {
  const id = parsed.fn?.id;
  if (isNode(id) && typeof id.name === 'string') return id.name;
  const key = parsed.key;
  if (key && key.type === 'Identifier' && typeof key.name === 'string') return key.name;
  if (key && key.type === 'PrivateIdentifier' && typeof key.name === 'string') return `#${key.name}`;
  return fallback;
}

const SHAPE_DECLINES: Partial<Record<ParsedFunction['shape'], readonly [string, string, string]>> = {
  class: ['a class', 'classes are outside the kernel subset', 'write the kernel as a function'],
  getter: ['a getter', 'getters run on property access, which is outside the kernel subset', 'write the kernel as an ordinary function'],
  setter: ['a setter', 'setters run on property access, which is outside the kernel subset', 'write the kernel as an ordinary function'],
};

/** Builds the IR of a parsed function, or throws a DeclineSignal. `fallbackName`: the function object's name. */
export function buildFunction(parsed: ParsedFunction, fallbackName: string): BuiltFunction {
  const ctx = new BuildContext(parsed.text, parsed.prefixLength);
  const start = { line: 1, column: 1 };
  const shapeDecline = SHAPE_DECLINES[parsed.shape] ?? (parsed.fn ? undefined : SHAPE_DECLINES.class);
  if (shapeDecline) decline(shapeDecline[0], start, shapeDecline[1], shapeDecline[2]);
  const fn = parsed.fn!;
  if (fn.async) decline('an async function', start, 'async functions are outside the kernel subset', 'write it as an ordinary function');
  if (fn.generator) decline('a generator function', start, 'generators are outside the kernel subset', 'write it as an ordinary function');
  const name = functionName(parsed, fallbackName);

  const params: VarId[] = [];
  (fn.params as AnyNode[]).forEach((param, index) => {
    const at = ctx.pos(param);
    const q = `\`${ctx.textOf(param)}\``;
    if (param.type === 'AssignmentPattern') decline(`${q} (a default parameter)`, at, 'default parameter values are outside the kernel subset', 'pass every argument and drop the default');
    if (param.type === 'RestElement') decline(`${q} (a rest parameter)`, at, 'rest parameters are outside the kernel subset', 'name each parameter');
    if (param.type !== 'Identifier') decline(`${q} (destructuring)`, at, 'destructuring is outside the kernel subset', 'pass each value as its own parameter');
    params.push(ctx.declareParam(param.name as string, index));
  });

  const bodyNode = fn.body as AnyNode;
  let body: Stmt[];
  if (bodyNode.type !== 'BlockStatement') {
    body = [{ kind: 'return', at: ctx.pos(bodyNode), value: buildExpr(ctx, bodyNode) }];
  } else {
    hoistVars(ctx, bodyNode.body);
    body = buildBlockBody(ctx, bodyNode.body as AnyNode[]);
    const end = endPositionOf(bodyNode, parsed.prefixLength);
    checkReturns(body, name, { line: end.line, column: end.column - 1 });
  }
  const { arrayParams, numberParams, lengthParams } = ctx.paramKinds();
  return {
    ir: { name, variables: ctx.variables, params, body },
    mathMembers: ctx.mathMembers,
    arrayParams,
    numberParams,
    lengthParams,
    globalsRead: ctx.globalsRead,
  };
}
