// The front end's intermediate representation: the function's body after the subset check, with
// every name resolved to a variable and every construct reduced to one of the forms below. It is
// still a tree (statements and expressions in source order), so that the typing pass and the
// lowering keep JavaScript's evaluation order without having to rediscover it.
//
// build.ts makes it from acorn's AST (with build-expr.ts, scope.ts and completion.ts; it declines
// what it cannot express); positions are in the function's own text. types.ts gives every
// expression a type for one signature; lower.ts writes the trace. Nothing here depends on a
// signature. MATH_FUNCTIONS is the one table of the Math functions a kernel may call.

/** A position in the function's own source text (line 1 is where its text starts), 1-based, for declines and explain(). */
export interface Pos {
  readonly line: number;
  readonly column: number;
}

export type VarId = number;

/** The Math functions a `math` node may name, with their arity (-1: any count; hypot takes 0 to 2). */
export const MATH_FUNCTIONS: ReadonlyMap<string, number> = new Map([
  ...['abs', 'floor', 'ceil', 'round', 'trunc', 'sign', 'sqrt', 'fround', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan',
    'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh', 'exp', 'expm1', 'log', 'log1p', 'log2', 'log10', 'cbrt', 'clz32']
    .map((name): [string, number] => [name, 1]),
  ...['pow', 'atan2', 'imul'].map((name): [string, number] => [name, 2]),
  ['min', -1], ['max', -1], ['hypot', -1],
]);

export interface Variable {
  readonly id: VarId;
  readonly name: string;
  /** 'param' for parameters, otherwise how it was declared. */
  readonly declaredAs: 'param' | 'let' | 'const' | 'var';
  /** Index of the parameter, for params. */
  readonly paramIndex?: number;
  /** Whether the program ever assigns to it after its declaration (params included). */
  assigned: boolean;
  /**
   * Its value may be undefined when read: `let x;`, or a `var` that some path can read before it
   * is assigned (anything but a `var x = e` among the body's own statements with no use before it).
   * A var is hoisted: it holds undefined from the function's entry, not from its declaration.
   */
  readonly startsUndefined: boolean;
}

export type UnaryOp = '-' | '+' | '!' | '~';
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '**';
export type BitwiseOp = '|' | '&' | '^' | '<<' | '>>' | '>>>';
export type CompareOp = '<' | '<=' | '>' | '>=' | '===' | '!==' | '==' | '!=';
export type BinaryOp = ArithmeticOp | BitwiseOp | CompareOp;
export type LogicalOp = '&&' | '||' | '??';
/** `=` or a compound assignment's operator without its `=` ('+' for `+=`). */
export type AssignOp = '=' | ArithmeticOp | BitwiseOp | '&&' | '||' | '??';

/** Where an assignment or an update writes: a variable or a typed-array element. */
export type Target =
  | { readonly kind: 'var'; readonly v: VarId }
  | { readonly kind: 'element'; readonly array: VarId; readonly index: Expr };

export type Expr = (
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'undefined' }
  | { readonly kind: 'var'; readonly v: VarId }
  /** `a.length` of a typed-array parameter. */
  | { readonly kind: 'length'; readonly array: VarId }
  /** `a[index]` of a typed-array parameter. */
  | { readonly kind: 'load'; readonly array: VarId; readonly index: Expr }
  | { readonly kind: 'unary'; readonly op: UnaryOp; readonly arg: Expr }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'logical'; readonly op: LogicalOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'conditional'; readonly test: Expr; readonly then: Expr; readonly otherwise: Expr }
  /** A call of a Math function (`Math.sqrt(x)`): `fn` is the member's name. */
  | { readonly kind: 'math'; readonly fn: string; readonly args: readonly Expr[] }
  /** A Math constant (`Math.PI`), with its value read when the plan was made. */
  | { readonly kind: 'mathConstant'; readonly name: string; readonly value: number }
  | { readonly kind: 'assign'; readonly op: AssignOp; readonly target: Target; readonly value: Expr }
  | { readonly kind: 'update'; readonly op: '++' | '--'; readonly prefix: boolean; readonly target: Target }
  /** The comma operator: every expression in order, the last one's value. */
  | { readonly kind: 'sequence'; readonly exprs: readonly Expr[] }
) & { readonly at: Pos };

/** A loop of any syntax: `for`, `while` (no init or update) and `do ... while` (test after the body). */
export interface Loop {
  readonly kind: 'loop';
  readonly at: Pos;
  /** `for (init; ...)`: declarations or an expression, run once. */
  readonly init: readonly Stmt[];
  /** Absent for `for (;;)`: loops until a break or a return. */
  readonly test: Expr | null;
  readonly update: Expr | null;
  readonly body: Stmt;
  /** do-while: the body runs before the first test. */
  readonly testAfterBody: boolean;
  /** The labels naming this loop (`outer: for ...`), for labeled break and continue. */
  readonly labels: readonly string[];
}

export type Stmt =
  | { readonly kind: 'expression'; readonly at: Pos; readonly expr: Expr }
  /**
   * One declarator: `let x = 1, y` is two. `init` is null for `let x;` (which sets x to undefined
   * each time it runs, in a loop too). For `var`, only declarators with an initializer appear, each
   * an assignment to the hoisted variable (`var x;` again does nothing at run time).
   */
  | { readonly kind: 'declare'; readonly at: Pos; readonly v: VarId; readonly init: Expr | null }
  | { readonly kind: 'if'; readonly at: Pos; readonly test: Expr; readonly then: Stmt; readonly otherwise: Stmt | null }
  | Loop
  | { readonly kind: 'block'; readonly at: Pos; readonly body: readonly Stmt[]; readonly labels: readonly string[] }
  /** `break` / `continue`, with the label, or null for the innermost loop. */
  | { readonly kind: 'break' | 'continue'; readonly at: Pos; readonly label: string | null }
  | { readonly kind: 'return'; readonly at: Pos; readonly value: Expr | null };

/** The whole function: its variables (params first, in order) and its body. */
export interface FunctionIR {
  readonly name: string;
  readonly variables: readonly Variable[];
  readonly params: readonly VarId[];
  readonly body: readonly Stmt[];
}
