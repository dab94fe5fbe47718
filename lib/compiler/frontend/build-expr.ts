// AST -> IR for expressions: every expression of the kernel subset becomes one Expr node in source
// order; everything else declines with the construct as written, its position and a fix.

import type * as acorn from 'acorn';
import type { AnyNode } from '../../source/parse.js';
import { decline } from './decline.js';
import { MATH_FUNCTIONS, type AssignOp, type BinaryOp, type Expr, type LogicalOp, type Target, type UnaryOp } from './ir.js';
import type { BuildContext } from './scope.js';

// The constants' values, read from Math as it was when this module was loaded.
const MATH_CONSTANTS: ReadonlyMap<string, number> = new Map(
  (['E', 'LN10', 'LN2', 'LOG10E', 'LOG2E', 'PI', 'SQRT1_2', 'SQRT2'] as const).map((name) => [name, Math[name]]),
);

const UNARY_OPS: ReadonlySet<string> = new Set<UnaryOp>(['-', '+', '!', '~']);
const BINARY_OPS: ReadonlySet<string> = new Set<BinaryOp>([
  '+', '-', '*', '/', '%', '**', '|', '&', '^', '<<', '>>', '>>>', '<', '<=', '>', '>=', '===', '!==', '==', '!=',
]);
const LOGICAL_OPS: ReadonlySet<string> = new Set<LogicalOp>(['&&', '||', '??']);
const GLOBAL_CONSTANTS: ReadonlySet<string> = new Set(['Math', 'NaN', 'Infinity', 'undefined']);

const OBJECTS_REASON = 'objects are outside the kernel subset';
const OBJECTS_FIX = 'pass numbers or typed arrays';
const NESTED_REASON = 'nested functions and classes are outside the kernel subset';
const NESTED_FIX = 'move it out of the kernel and pass its results in, or inline it';

function quoted(ctx: BuildContext, node: acorn.Node): string {
  return `\`${ctx.textOf(node)}\``;
}

/** Declines for the expression forms outside the subset that have no IR. */
function declineExpression(ctx: BuildContext, node: AnyNode): never {
  const at = ctx.pos(node);
  const q = quoted(ctx, node);
  switch (node.type) {
    case 'ThisExpression':
      return decline('`this`', at, 'a kernel cannot use `this`', 'pass the values it needs as parameters');
    case 'Super':
      return decline('`super`', at, 'a kernel cannot use `super`', 'pass the values it needs as parameters');
    case 'TemplateLiteral':
      return decline(`${q} (a template literal)`, at, 'strings are outside the kernel subset', 'compute with numbers');
    case 'TaggedTemplateExpression':
      return decline(`${q} (a tagged template)`, at, 'calls are outside the kernel subset except calls of Math functions', 'compute it outside the kernel');
    case 'ArrayExpression':
      return decline(`${q} (an array literal)`, at, 'array and object literals create objects, which are outside the kernel subset',
        'pass a typed array as a parameter');
    case 'ObjectExpression':
      return decline(`${q} (an object literal)`, at, 'array and object literals create objects, which are outside the kernel subset',
        'pass numbers or typed arrays as parameters');
    case 'FunctionExpression':
      return decline('a nested function', at, NESTED_REASON, NESTED_FIX);
    case 'ArrowFunctionExpression':
      return decline('a nested arrow function', at, NESTED_REASON, NESTED_FIX);
    case 'ClassExpression':
      return decline('a nested class', at, NESTED_REASON, NESTED_FIX);
    case 'NewExpression':
      return decline(`${q} (\`new\`)`, at, '`new` creates objects, which are outside the kernel subset',
        'create it outside the kernel and pass typed arrays');
    case 'ChainExpression':
      return decline(`${q} (optional chaining)`, at, 'optional chaining is outside the kernel subset',
        'use `a[i]` or `a.length` of a typed-array parameter');
    case 'YieldExpression':
      return decline('`yield`', at, 'generators are outside the kernel subset', 'write it as an ordinary function');
    case 'AwaitExpression':
      return decline('`await`', at, 'async functions are outside the kernel subset', 'write it as an ordinary function');
    case 'SpreadElement':
      return decline(`${q} (a spread)`, at, 'spread is outside the kernel subset', 'pass the values as separate arguments');
    case 'MetaProperty':
      return decline(q, at, `\`${ctx.textOf(node)}\` is outside the kernel subset`, 'pass the value it stands for as a parameter');
    case 'ImportExpression':
      return decline(`${q} (a dynamic import)`, at, 'modules are outside the kernel subset', 'import outside the kernel');
    case 'ObjectPattern': case 'ArrayPattern':
      return decline(`${q} (destructuring)`, at, 'destructuring is outside the kernel subset', 'assign one variable at a time');
    default:
      return decline(`${q} (${node.type})`, at, 'this construct is outside the kernel subset',
        'rewrite it with the constructs the kernel subset lists');
  }
}

function buildLiteral(ctx: BuildContext, node: AnyNode): Expr {
  const at = ctx.pos(node);
  const value = node.value;
  if (typeof value === 'number') return { kind: 'number', value, at };
  if (typeof value === 'boolean') return { kind: 'boolean', value, at };
  const q = quoted(ctx, node);
  if (node.bigint !== undefined) return decline(`${q} (a BigInt)`, at, 'BigInts are outside the kernel subset', 'use a number');
  if (node.regex !== undefined) {
    return decline(`${q} (a regular expression)`, at, 'regular expressions are outside the kernel subset', 'match strings outside the kernel');
  }
  if (value === null) return decline('`null`', at, 'null is outside the kernel subset', 'use a number such as 0 or NaN');
  return decline(`${q} (a string)`, at, 'strings are outside the kernel subset', 'compute with numbers');
}

function declineFreeRead(ctx: BuildContext, name: string, node: acorn.Node): never {
  const at = ctx.pos(node);
  if (name === 'arguments') return decline('`arguments`', at, 'a kernel cannot use `arguments`', 'name the parameters');
  if (name === 'Math') return decline('`Math` used as a value', at, OBJECTS_REASON, 'call a Math function or read a Math constant');
  return decline(`\`${name}\``, at, `reads \`${name}\` from an outer scope`, 'pass it as a parameter');
}

function buildIdentifier(ctx: BuildContext, node: AnyNode): Expr {
  const name = node.name as string;
  const at = ctx.pos(node);
  const v = ctx.resolve(name, node);
  if (v !== undefined) {
    ctx.useAsNumber(v, node);
    return { kind: 'var', v, at };
  }
  if (name === 'undefined' || name === 'NaN' || name === 'Infinity') ctx.readGlobal(name, node);
  if (name === 'undefined') return { kind: 'undefined', at };
  if (name === 'NaN') return { kind: 'number', value: NaN, at };
  if (name === 'Infinity') return { kind: 'number', value: Infinity, at };
  return declineFreeRead(ctx, name, node);
}

/** `Math` written here is the global Math (no local of that name; plan.ts checks the enclosing scopes). */
function isGlobalMath(ctx: BuildContext, node: AnyNode): boolean {
  if (node.type !== 'Identifier' || node.name !== 'Math' || ctx.resolve('Math', node) !== undefined) return false;
  ctx.readGlobal('Math', node);
  return true;
}

function memberName(node: AnyNode): string | undefined {
  if (node.computed) return undefined;
  const property = node.property as AnyNode;
  return property.type === 'Identifier' ? property.name as string : undefined;
}

function buildMember(ctx: BuildContext, node: AnyNode): Expr {
  const at = ctx.pos(node);
  const object = node.object as AnyNode;
  const q = quoted(ctx, node);
  if (object.type === 'ThisExpression' || object.type === 'Super') return declineExpression(ctx, object);
  if (isGlobalMath(ctx, object)) {
    const name = memberName(node);
    if (name === undefined) {
      return decline(`${q} (a computed Math member)`, at, 'only Math members named as written can be read in a kernel', 'write `Math.name`');
    }
    const value = MATH_CONSTANTS.get(name);
    if (value !== undefined) {
      ctx.recordMathMember(name);
      return { kind: 'mathConstant', name, value, at };
    }
    if (MATH_FUNCTIONS.has(name)) return decline(`\`Math.${name}\` used as a value`, at, 'Math functions can only be called in a kernel', `call it: \`Math.${name}(x)\``);
    return decline(`\`Math.${name}\``, at, `\`Math.${name}\` is not one of the Math members a kernel can use`, 'compute it outside the kernel and pass the result');
  }
  if (object.type === 'Identifier') {
    const v = ctx.resolve(object.name as string, object);
    if (v === undefined) return declineFreeRead(ctx, object.name as string, object);
    if (node.computed) {
      ctx.useAsArray(v, node, q);
      const index = buildExpr(ctx, node.property as AnyNode);
      return { kind: 'load', array: v, index, at };
    }
    if (memberName(node) === 'length') {
      ctx.useAsArray(v, node, q);
      ctx.readLength(v);
      return { kind: 'length', array: v, at };
    }
    return decline(`${q} (a property read)`, at, OBJECTS_REASON, OBJECTS_FIX);
  }
  if (node.computed) {
    return decline(`${q} (an element read)`, at, 'only typed-array parameters can be indexed', 'index a typed-array parameter: `a[i]`');
  }
  return decline(`${q} (a property read)`, at, OBJECTS_REASON, OBJECTS_FIX);
}

function buildCall(ctx: BuildContext, node: AnyNode): Expr {
  const at = ctx.pos(node);
  const callee = node.callee as AnyNode;
  const q = quoted(ctx, node);
  if (callee.type === 'MemberExpression' && isGlobalMath(ctx, callee.object as AnyNode)) {
    const name = memberName(callee);
    const arity = name === undefined ? undefined : MATH_FUNCTIONS.get(name);
    if (name === undefined || arity === undefined) {
      const what = name === undefined ? ctx.textOf(callee) : `Math.${name}`;
      return decline(`a call of \`${what}\``, at, `\`${what}\` is not one of the Math functions a kernel can call`,
        'compute it outside the kernel and pass the result');
    }
    const args = node.arguments as AnyNode[];
    const spread = args.find((arg) => arg.type === 'SpreadElement');
    if (spread) return declineExpression(ctx, spread);
    if (arity >= 0 && args.length !== arity) {
      const count = arity === 1 ? '1 argument' : `${arity} arguments`;
      return decline(`${q} (${args.length === 1 ? '1 argument' : `${args.length} arguments`})`, at,
        `\`Math.${name}\` takes exactly ${count} in a kernel`, `pass exactly ${count}`);
    }
    if (name === 'hypot' && args.length > 2) {
      return decline(`${q} (${args.length} arguments)`, at, '`Math.hypot` takes at most 2 arguments in a kernel',
        'call it with at most 2 arguments');
    }
    ctx.recordMathMember(name);
    return { kind: 'math', fn: name, args: args.map((arg) => buildExpr(ctx, arg)), at };
  }
  const what = callee.type === 'Identifier' || callee.type === 'MemberExpression' ? ctx.textOf(callee) : 'an expression';
  return decline(`a call of ${what === 'an expression' ? what : `\`${what}\``}`, at, 'calls are outside the kernel subset except calls of Math functions',
    'inline the function, or compute its result outside the kernel and pass it in');
}

/** The place an assignment or update writes; `whole` is the assignment, for positions. */
function buildTarget(ctx: BuildContext, node: AnyNode, whole: AnyNode): Target {
  const at = ctx.pos(node);
  if (node.type === 'Identifier') {
    const name = node.name as string;
    const v = ctx.resolve(name, node);
    if (v !== undefined) {
      ctx.assign(v, whole);
      return { kind: 'var', v };
    }
    if (GLOBAL_CONSTANTS.has(name)) {
      return decline(`an assignment to \`${name}\``, at, `\`${name}\` is a global the kernel reads as a constant`, 'assign a local variable instead');
    }
    if (name === 'arguments') return declineFreeRead(ctx, name, node);
    return decline(`an assignment to \`${name}\``, at, `writes \`${name}\` in an outer scope`,
      'return the value, or store it into a typed-array parameter');
  }
  if (node.type === 'MemberExpression') {
    const object = node.object as AnyNode;
    if (object.type === 'Identifier' && node.computed && !isGlobalMath(ctx, object)) {
      const v = ctx.resolve(object.name as string, object);
      if (v === undefined) return declineFreeRead(ctx, object.name as string, object);
      ctx.useAsArray(v, node, quoted(ctx, node));
      return { kind: 'element', array: v, index: buildExpr(ctx, node.property as AnyNode) };
    }
    if (object.type === 'ThisExpression' || object.type === 'Super') return declineExpression(ctx, object);
    return decline(`${quoted(ctx, node)} (a property write)`, at, OBJECTS_REASON,
      'store into elements of a typed-array parameter: `a[i] = x`');
  }
  return declineExpression(ctx, node);
}

export function buildExpr(ctx: BuildContext, node: AnyNode): Expr {
  const at = ctx.pos(node);
  switch (node.type) {
    case 'Literal':
      return buildLiteral(ctx, node);
    case 'Identifier':
      return buildIdentifier(ctx, node);
    case 'MemberExpression':
      return buildMember(ctx, node);
    case 'CallExpression':
      return buildCall(ctx, node);
    case 'UnaryExpression': {
      const op = node.operator as string;
      // `-1` is the number -1 (a literal is only ever non-negative): folded, it types as the i32 it
      // is, where a negation of 1 would be an f64 (negating an int32 can give -0).
      const operand = node.argument as AnyNode;
      if (op === '-' && operand.type === 'Literal' && typeof operand.value === 'number') return { kind: 'number', value: -operand.value, at };
      if (UNARY_OPS.has(op)) return { kind: 'unary', op: op as UnaryOp, arg: buildExpr(ctx, node.argument as AnyNode), at };
      // `void 0` is how minifiers (and Bun's toString) write `undefined`: no operand to evaluate.
      const argument = node.argument as AnyNode;
      if (op === 'void' && argument.type === 'Literal' && typeof argument.value === 'number') return { kind: 'undefined', at };
      const fixes: Record<string, string> = {
        typeof: 'kernel values are numbers and booleans: drop the test',
        void: 'evaluate the operand as a statement and use `undefined`',
        delete: 'remove it',
      };
      return decline(`${quoted(ctx, node)} (\`${op}\`)`, at, `\`${op}\` is outside the kernel subset`, fixes[op] ?? 'remove it');
    }
    case 'BinaryExpression': {
      const op = node.operator as string;
      if (!BINARY_OPS.has(op)) {
        return decline(`${quoted(ctx, node)} (\`${op}\`)`, at, `\`${op}\` tests objects, which are outside the kernel subset`, 'drop the test');
      }
      const left = buildExpr(ctx, node.left as AnyNode);
      return { kind: 'binary', op: op as BinaryOp, left, right: buildExpr(ctx, node.right as AnyNode), at };
    }
    case 'LogicalExpression': {
      const op = node.operator as string;
      if (!LOGICAL_OPS.has(op)) return declineExpression(ctx, node);
      const left = buildExpr(ctx, node.left as AnyNode);
      return { kind: 'logical', op: op as LogicalOp, left, right: buildExpr(ctx, node.right as AnyNode), at };
    }
    case 'ConditionalExpression': {
      const test = buildExpr(ctx, node.test as AnyNode);
      const then = buildExpr(ctx, node.consequent as AnyNode);
      return { kind: 'conditional', test, then, otherwise: buildExpr(ctx, node.alternate as AnyNode), at };
    }
    case 'AssignmentExpression': {
      const operator = node.operator as string;
      const op = (operator === '=' ? '=' : operator.slice(0, -1)) as AssignOp;
      const target = buildTarget(ctx, node.left as AnyNode, node);
      return { kind: 'assign', op, target, value: buildExpr(ctx, node.right as AnyNode), at };
    }
    case 'UpdateExpression': {
      const target = buildTarget(ctx, node.argument as AnyNode, node);
      return { kind: 'update', op: node.operator as '++' | '--', prefix: Boolean(node.prefix), target, at };
    }
    case 'SequenceExpression':
      return { kind: 'sequence', exprs: (node.expressions as AnyNode[]).map((e) => buildExpr(ctx, e)), at };
    default:
      return declineExpression(ctx, node);
  }
}
