// Name resolution for the IR builder: block scopes for let/const (with their temporal dead zone),
// the function scope for params and var, and what each parameter is used as (typed array or
// number). A kernel has no nested functions, so "before its declaration in source order" is exactly
// "in its temporal dead zone": the builder walks in source order and marks a let/const initialized
// once its declarator has been built.

import type * as acorn from 'acorn';
import { positionOf, type AnyNode } from '../../source/parse.js';
import { decline } from './decline.js';
import type { Pos, VarId, Variable } from './ir.js';

type Declared = Variable['declaredAs'];

interface Binding {
  readonly v: VarId;
  initialized: boolean;
}

export class Scope {
  readonly names = new Map<string, Binding>();
  constructor(readonly parent: Scope | null) {}
}

interface MutableVariable {
  id: VarId;
  name: string;
  declaredAs: Declared;
  paramIndex?: number;
  assigned: boolean;
  startsUndefined: boolean;
}

/** How a parameter is used: the first place it is used as a typed array, and as a number. */
interface ParamUse {
  arrayAt: Pos | null;
  numberAt: Pos | null;
  /** The first number use writes the parameter (an assignment or update). */
  numberUseWrites: boolean;
  /** The function reads `.length` of the parameter. */
  readsLength: boolean;
}

/** The builder's state: variables, scopes, Math members read, parameter uses, positions. */
export class BuildContext {
  readonly variables: MutableVariable[] = [];
  readonly functionScope = new Scope(null);
  scope: Scope = this.functionScope;
  readonly mathMembers: string[] = [];
  /** The globals the body reads (Math, NaN, Infinity, undefined), each with its first use. */
  readonly globalsRead = new Map<string, Pos>();
  private readonly paramUses: ParamUse[] = [];
  /** var variables that are certainly assigned before any use (a top-level `var x = e` with no earlier reference). */
  private readonly definitelyInitialized = new Set<VarId>();
  /** var variables referenced before they were definitely initialized. */
  private readonly referencedEarly = new Set<VarId>();
  /** Statement nesting depth below the function body (0: a statement of the body itself). */
  depth = 0;

  constructor(readonly text: string, readonly prefixLength: number) {}

  pos(node: acorn.Node): Pos {
    return positionOf(node, this.prefixLength);
  }

  /** A node's text as written, shortened to one line, for a decline's construct. */
  textOf(node: acorn.Node): string {
    const raw = this.text.slice(node.start, Math.min(node.end, node.start + 80));
    let text = '';
    let afterSpace = false;
    for (let i = 0; i < raw.length; i++) {
      const char = raw[i];
      const space = char === ' ' || char === '\t' || char === '\n' || char === '\r';
      if (!space) text += char;
      else if (!afterSpace) text += ' ';
      afterSpace = space;
    }
    if (node.end - node.start > 80 || text.length > 40) text = `${text.slice(0, 37)}...`;
    return text;
  }

  private newVariable(name: string, declaredAs: Declared, startsUndefined: boolean, paramIndex?: number): VarId {
    const id = this.variables.length;
    const variable: MutableVariable = { id, name, declaredAs, assigned: false, startsUndefined };
    if (paramIndex !== undefined) variable.paramIndex = paramIndex;
    this.variables.push(variable);
    return id;
  }

  declareParam(name: string, index: number): VarId {
    const v = this.newVariable(name, 'param', false, index);
    this.functionScope.names.set(name, { v, initialized: true });
    this.paramUses.push({ arrayAt: null, numberAt: null, numberUseWrites: false, readsLength: false });
    return v;
  }

  /** A `var` (hoisted to the function); on a parameter's name it is that parameter. */
  declareVar(name: string): VarId {
    const existing = this.functionScope.names.get(name);
    if (existing) return existing.v;
    const v = this.newVariable(name, 'var', true);
    this.functionScope.names.set(name, { v, initialized: true });
    return v;
  }

  /** A let/const of the current block, in its dead zone until initialize(). */
  declareLexical(name: string, declaredAs: 'let' | 'const'): VarId {
    const v = this.newVariable(name, declaredAs, false);
    this.scope.names.set(name, { v, initialized: false });
    return v;
  }

  /** Ends the dead zone of `name` in the current scope (its declarator has been built). */
  initialize(name: string, hasInit: boolean): VarId {
    const binding = this.scope.names.get(name)!;
    binding.initialized = true;
    if (!hasInit) this.variables[binding.v].startsUndefined = true;
    return binding.v;
  }

  /** A `var x = e` declarator was built: at the body's top level with no earlier reference, x starts defined. */
  varInitialized(v: VarId): void {
    const variable = this.variables[v];
    if (this.depth > 0 || this.definitelyInitialized.has(v) || this.referencedEarly.has(v)) {
      variable.assigned = true;
      return;
    }
    variable.startsUndefined = false;
    this.definitelyInitialized.add(v);
  }

  pushScope(): void {
    this.scope = new Scope(this.scope);
  }

  popScope(): void {
    this.scope = this.scope.parent!;
  }

  /** The variable `name` refers to, or undefined for a free name. Declines a use in the dead zone. */
  resolve(name: string, node: acorn.Node): VarId | undefined {
    for (let scope: Scope | null = this.scope; scope !== null; scope = scope.parent) {
      const binding = scope.names.get(name);
      if (!binding) continue;
      if (!binding.initialized) {
        const declaredAs = this.variables[binding.v].declaredAs;
        decline(`\`${name}\``, this.pos(node), `\`${name}\` is used before its \`${declaredAs}\` declaration (in its temporal dead zone)`,
          `declare \`${name}\` before its first use`);
      }
      const variable = this.variables[binding.v];
      if (variable.declaredAs === 'var' && !this.definitelyInitialized.has(binding.v)) this.referencedEarly.add(binding.v);
      return binding.v;
    }
    return undefined;
  }

  /** Records a write of `v` (assignment or update); declines a write to a const. */
  assign(v: VarId, node: AnyNode): void {
    const variable = this.variables[v];
    if (variable.declaredAs === 'const') {
      decline(`\`${this.textOf(node)}\``, this.pos(node), `\`${variable.name}\` is a const and cannot be assigned`,
        `declare \`${variable.name}\` with \`let\``);
    }
    variable.assigned = true;
    this.useAsNumber(v, node, true);
  }

  useAsArray(v: VarId, node: acorn.Node, construct: string): void {
    const variable = this.variables[v];
    if (variable.paramIndex === undefined) {
      decline(construct, this.pos(node), `\`${variable.name}\` is a local variable and only typed-array parameters can be indexed or have a length`,
        'pass the typed array as a parameter and index the parameter');
    }
    const use = this.paramUses[variable.paramIndex];
    use.arrayAt ??= this.pos(node);
  }

  /** Records `a.length` of parameter `v` (after useAsArray). */
  readLength(v: VarId): void {
    const index = this.variables[v].paramIndex;
    if (index !== undefined) this.paramUses[index].readsLength = true;
  }

  useAsNumber(v: VarId, node: acorn.Node, writes = false): void {
    const variable = this.variables[v];
    if (variable.paramIndex === undefined) return;
    const use = this.paramUses[variable.paramIndex];
    if (use.numberAt === null) {
      use.numberAt = this.pos(node);
      use.numberUseWrites = writes;
    }
  }

  /** Parameters by use; declines a parameter used both as a typed array and as a number. */
  paramKinds(): { arrayParams: number[]; numberParams: number[]; lengthParams: number[] } {
    const arrayParams: number[] = [];
    const numberParams: number[] = [];
    const lengthParams: number[] = [];
    this.paramUses.forEach((use, index) => {
      const name = this.variables[index].name;
      if (use.arrayAt && use.numberAt) {
        const where = `line ${use.arrayAt.line}, column ${use.arrayAt.column}`;
        if (use.numberUseWrites) {
          decline(`an assignment to \`${name}\``, use.numberAt, `\`${name}\` is a typed-array parameter (it is indexed at ${where}) and cannot be reassigned`,
            'use another variable');
        }
        decline(`\`${name}\``, use.numberAt, `\`${name}\` is a typed-array parameter (it is indexed at ${where}) and is used here as a value; a typed array is not a number`,
          `use its elements (\`${name}[i]\`) or its length (\`${name}.length\`)`);
      }
      if (use.arrayAt) arrayParams.push(index);
      else if (use.numberAt) numberParams.push(index);
      if (use.readsLength) lengthParams.push(index);
    });
    return { arrayParams, numberParams, lengthParams };
  }

  /** Records a read of a global the kernel takes as a constant (Math, NaN, Infinity, undefined). */
  readGlobal(name: string, node: acorn.Node): void {
    if (!this.globalsRead.has(name)) this.globalsRead.set(name, this.pos(node));
  }

  recordMathMember(name: string): void {
    if (!this.mathMembers.includes(name)) this.mathMembers.push(name);
  }
}
