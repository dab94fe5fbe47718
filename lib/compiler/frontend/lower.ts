// Statements to micro-ops, and lowerKernel itself: bind the parameters, hoist constants and
// lengths to the entry, lower the body, and return the trace with its printed forms. Loops are
// `JUMP test; body: ...; update; test: BR_cond body`, so that an iteration takes one branch.

import type { Label, Slot, View } from '../trace/trace.js';
import type { ElementKind } from '../trace/uops.js';
import type { KernelPlan, LoweredKernel, LowerOptions, LowerResult, Signature } from './index.js';
import type { Expr, Loop, Stmt, VarId } from './ir.js';
import { branch, ifElse } from './lower-cond.js';
import { DeclineSignal, FUNCTION_START, makeDecline } from './decline.js';
import { Emitter, opText } from './lower-emit.js';
import { ExprLowerer } from './lower-expr.js';
import { printTypedIR } from './print.js';
import { typeFunction, type Typing } from './types.js';
import { exprWrites, forEachExpr, forEachStmt, stmtWrites } from './ir-walk.js';
import type { RunStatement } from './shared-values.js';
import type { EntryValues } from './lower-values.js';

interface Target {
  readonly labels: readonly string[];
  readonly isLoop: boolean;
  readonly breakTo: Label;
  readonly continueTo: Label | null;
}

class StmtLowerer {
  private readonly targets: Target[] = [];
  private retSlot: Slot | null = null;

  constructor(private readonly em: Emitter, private readonly typing: Typing, private readonly x: ExprLowerer, private readonly varSlots: ReadonlyMap<VarId, Slot>) {}

  body(stmts: readonly Stmt[]): void {
    if (this.typing.returnType !== 'void') {
      this.retSlot = this.em.slot(this.typing.returnType);
      this.em.builder.returns(this.retSlot);
    }
    this.stmts(stmts);
  }

  /**
   * Lowers `stmts` in order, each run of straight-line statements sharing its values
   * (shared-values.ts); `entry`, the values a loop's test computes, for a run at the start.
   */
  private stmts(stmts: readonly Stmt[], entry?: EntryValues): void {
    for (let i = 0; i < stmts.length;) {
      let end = i;
      while (end < stmts.length && isStraightLine(stmts[end])) end++;
      if (end === i) { this.stmt(stmts[i++]); continue; }
      const run = stmts.slice(i, end);
      this.x.withSharedRun(run.map(runStatement), (k) => this.straightLine(run[k]), i === 0 ? entry : undefined);
      i = end;
    }
  }

  /** An expression statement, a declaration or a return (isStraightLine). */
  private straightLine(s: Stmt): void {
    const em = this.em;
    switch (s.kind) {
      case 'expression': this.x.effect(s.expr); return;
      case 'declare': {
        const slot = this.varSlots.get(s.v)!;
        if (s.init) this.x.into(s.init, slot);
        else if (!this.typing.hoistedUndefined.has(s.v)) em.op('CONST_F64', slot, NaN); // `let x;`: undefined each time
        return;
      }
      case 'return':
        if (s.value && this.retSlot) this.x.into(s.value, this.retSlot);
        else if (s.value) this.x.effect(s.value);
        em.op('RETURN');
        return;
      default: throw new Error(`internal: ${s.kind} is not a straight-line statement`);
    }
  }

  private stmt(s: Stmt): void {
    const em = this.em;
    if (isStraightLine(s)) { this.stmts([s]); return; }
    switch (s.kind) {
      case 'if':
        ifElse(this.x, s.test, () => this.stmt(s.then), s.otherwise ? () => this.stmt(s.otherwise!) : null);
        return;
      case 'loop': this.loop(s); return;
      case 'block': {
        if (s.labels.length === 0) { this.stmts(s.body); return; }
        const end = em.label();
        this.targets.push({ labels: s.labels, isLoop: false, breakTo: end, continueTo: null });
        this.stmts(s.body);
        this.targets.pop();
        em.define(end);
        return;
      }
      case 'break': case 'continue': {
        const t = this.find(s.kind, s.label);
        em.op('JUMP', s.kind === 'break' ? t.breakTo : t.continueTo!);
        return;
      }
      default: throw new Error(`internal: ${s.kind} is lowered as a straight-line statement`);
    }
  }

  private find(kind: 'break' | 'continue', label: string | null): Target {
    for (let i = this.targets.length - 1; i >= 0; i--) {
      const t = this.targets[i];
      if (label === null ? t.isLoop : t.labels.includes(label)) {
        if (kind === 'continue' && !t.isLoop) break;
        return t;
      }
    }
    throw new Error(`internal: no target for ${kind}${label ? ` ${label}` : ''}`);
  }

  private loop(s: Loop): void {
    const em = this.em;
    s.init.forEach((i) => this.stmt(i));
    // The variables the loop never writes nor declares (`let x;` writes undefined each time): what
    // depends on them alone is computed once, here.
    const written = new Set(stmtWrites(s));
    forEachStmt([s.body], (b) => { if (b.kind === 'declare') written.add(b.v); });
    const invariant = new Set([...this.varSlots.keys()].filter((v) => !written.has(v)));
    this.x.insideLoop(invariant, em.hoistPoint(), () => this.loopBody(s));
  }

  private loopBody(s: Loop): void {
    const em = this.em;
    const body = em.label(), cont = em.label(), test = em.label(), exit = em.label();
    this.targets.push({ labels: s.labels, isLoop: true, breakTo: exit, continueTo: cont });
    // Where only the test enters the body, what it computes the body's first statements may read.
    const onEntry = s.test && !s.testAfterBody ? this.x.valuesOnEntry(s.test) : null;
    const runTest = (): void => {
      if (s.test && onEntry) this.x.withValuesForBody(onEntry.keys, onEntry.entry.slots, () => branch(this.x, s.test!, body, true));
      else if (s.test) branch(this.x, s.test, body, true);
      else em.op('JUMP', body);
    };
    if (!s.testAfterBody && s.test) em.op('JUMP', test);
    em.define(body);
    if (s.body.kind === 'block' && s.body.labels.length === 0) this.stmts(s.body.body, onEntry?.entry);
    else if (isStraightLine(s.body)) this.stmts([s.body], onEntry?.entry);
    else this.stmt(s.body);
    em.define(cont);
    if (s.update) this.x.loopUpdate(s.update, exit);
    em.define(test);
    runTest();
    this.targets.pop();
    em.define(exit);
  }
}

/** A statement that runs its expression, if any, on every path through it and ends: it takes part in a run (shared-values.ts). */
function isStraightLine(s: Stmt): boolean {
  return s.kind === 'expression' || s.kind === 'declare' || s.kind === 'return';
}

function runStatement(s: Stmt): RunStatement {
  switch (s.kind) {
    case 'expression': return { expr: s.expr, writes: exprWrites(s.expr) };
    case 'declare': return { expr: s.init ?? null, writes: new Set([...(s.init ? exprWrites(s.init) : []), s.v]) };
    case 'return': return { expr: s.value ?? null, writes: s.value ? exprWrites(s.value) : new Set() };
    default: throw new Error(`internal: ${s.kind} is not a straight-line statement`);
  }
}

function binding(em: Emitter, plan: KernelPlan, signature: Signature, typing: Typing) {
  const ir = plan.ir;
  const varSlots = new Map<VarId, Slot>();
  const views = new Map<VarId, View>();
  const lengths = new Map<VarId, Slot>();
  const args = new Map<VarId, Slot>();
  ir.params.forEach((v, i) => {
    const kind = typing.arrays.get(v);
    if (kind !== undefined) {
      const view = em.view(kind as ElementKind);
      views.set(v, view);
      em.builder.param(view);
      return;
    }
    const argSlot = em.slot(signature[i] === 'i32' ? 'i32' : 'f64');
    em.builder.param(argSlot);
    args.set(v, argSlot);
    const t = typing.vars[v];
    if (!t || t.rep === argSlot.type) varSlots.set(v, argSlot);
    else {
      const own = em.slot(t.rep);
      em.entryOp(argSlot.type === 'i32' && own.type === 'f64' ? 'I32_TO_F64' : 'F64_TO_I32', own, argSlot);
      varSlots.set(v, own);
    }
  });
  ir.variables.forEach((variable) => {
    if (varSlots.has(variable.id) || views.has(variable.id)) return;
    const t = typing.vars[variable.id];
    varSlots.set(variable.id, em.slot(t?.rep ?? 'f64'));
    if (typing.hoistedUndefined.has(variable.id)) em.entryOp('CONST_F64', varSlots.get(variable.id)!, NaN);
  });
  for (const [v, s] of varSlots) em.slotVars.set(s.index, v);
  // An i32 parameter the body never assigns and also uses as a double (`i * n` with n i32 and a
  // product that may not fit) is converted once at entry, not at each use.
  const doubles = new Map<VarId, Slot>();
  ir.params.forEach((v) => {
    const s = varSlots.get(v);
    if (s?.type === 'i32' && ir.variables[v]?.assigned === false) {
      const d = em.slot('f64');
      em.entryOp('I32_TO_F64', d, s);
      doubles.set(v, d);
    }
  });
  // Lengths cannot change during a call (no user code runs): read each once at entry.
  const used = new Set<VarId>();
  const visit = (e: Expr): void => {
    if (e.kind === 'length') used.add(e.array);
  };
  forEachExpr(ir.body, visit);
  for (const v of used) {
    const s = em.slot('i32');
    em.entryOp('LENGTH', s, views.get(v)!);
    lengths.set(v, s);
  }
  entryGuards(em, plan, typing, args, views, lengths);
  return { varSlots, views, lengths, doubles };
}

// The checks typing.guards stands for (lib/compiler/frontend/guards.ts), before the body runs: a
// narrowed i32 argument outside its interval, an array shorter than its constant indices need
// or than the array whose length bounds the loop that indexes it, ends the call at DECLINE, with
// nothing written.
function entryGuards(em: Emitter, plan: KernelPlan, typing: Typing, args: ReadonlyMap<VarId, Slot>, views: ReadonlyMap<VarId, View>, lengths: Map<VarId, Slot>): void {
  for (const v of plan.ir.params) {
    const arg = args.get(v);
    const guarded = typing.guards.paramIntervals.get(v);
    if (arg && guarded) {
      if (guarded.hi < 2 ** 31 - 1) em.entryOp('BR_GT_I32', arg, em.constant('i32', guarded.hi), em.declineLabel());
      if (guarded.lo > -(2 ** 31)) em.entryOp('BR_LT_I32', arg, em.constant('i32', guarded.lo), em.declineLabel());
    }
    const minLength = typing.guards.minLengths.get(v);
    if (minLength !== undefined && views.has(v)) {
      em.entryOp('BR_LT_I32', lengthSlot(em, v, views, lengths), em.constant('i32', minLength), em.declineLabel());
    }
    for (const bound of typing.guards.lengthsAtLeast.get(v) ?? []) {
      em.entryOp('BR_LT_I32', lengthSlot(em, v, views, lengths), lengthSlot(em, bound, views, lengths), em.declineLabel());
    }
  }
}

/** The slot holding array parameter v's length: the one the body reads, or one written here. */
function lengthSlot(em: Emitter, v: VarId, views: ReadonlyMap<VarId, View>, lengths: Map<VarId, Slot>): Slot {
  let length = lengths.get(v);
  if (!length) {
    length = em.slot('i32');
    em.entryOp('LENGTH', length, views.get(v)!);
    lengths.set(v, length);
  }
  return length;
}

/** Whether the function writes an element anywhere: then a DECLINE after entry could not be exact. */
function writesElements(plan: KernelPlan): boolean {
  let writes = false;
  forEachExpr(plan.ir.body, (e) => {
    if ((e.kind === 'assign' || e.kind === 'update') && e.target.kind === 'element') writes = true;
  });
  return writes;
}

export function lowerKernelImpl(plan: KernelPlan, signature: Signature, options?: LowerOptions): LowerResult {
  // Speculation only where a decline anywhere is exact, and never at the price of a decline.
  if (options?.speculate && !writesElements(plan)) {
    const speculative = lowerOnce(plan, signature, options, true);
    if (speculative.ok) return speculative;
  }
  return lowerOnce(plan, signature, options, false);
}

function lowerOnce(plan: KernelPlan, signature: Signature, options: LowerOptions | undefined, speculate: boolean): LowerResult {
  const started = performance.now();
  try {
    const typing = typeFunction(plan.ir, signature, options?.inexactMath ?? new Set(), speculate);
    const em = new Emitter();
    const { varSlots, views, lengths, doubles } = binding(em, plan, signature, typing);
    const x = new ExprLowerer(em, typing, varSlots, views, lengths, doubles);
    new StmtLowerer(em, typing, x, varSlots).body(plan.ir.body);
    const ops = em.finish();
    const trace = em.builder.build();
    // The printed forms are for explain() only: printed on first read, once.
    let ir: string | undefined, uops: readonly string[] | undefined;
    const kernel: LoweredKernel = {
      signature: [...signature],
      trace,
      returnType: typing.returnType,
      // What the trace checks, not what the typing assumed (a speculated value never computed has
      // no check); a checked loop update branches to its loop's exit instead, and speculates nothing.
      speculative: ops.some((op) => op.name.endsWith('_EXACT') && em.branchesToDecline(op)),
      get ir() { return (ir ??= printTypedIR(plan.ir, typing)); },
      get uops() { return (uops ??= ops.map(opText)); },
      lowerMs: performance.now() - started,
    };
    return { ok: true, kernel };
  } catch (error) {
    if (error instanceof DeclineSignal) return { ok: false, decline: error.toDecline(plan.origin) };
    // A bug here must never crash a user's call: it declines, and the function runs as JavaScript.
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, decline: makeDecline('internal error', FUNCTION_START, `the front end failed (${message})`, 'report this as a jitctl bug; the function runs as JavaScript', plan.origin) };
  }
}
