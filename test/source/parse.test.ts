import { strict as assert } from 'node:assert';

import { analyze } from '../../lib/source/analyze.js';
import { parseFunctionSource } from '../../lib/source/parse.js';
import { lowerKernel, planKernel, signatureOf } from '../../lib/compiler/frontend/index.js';
import { KERNELS } from '../frontend/kernels.js';
import type { AnyFunction } from '../../lib/types.js';

function deepFreeze(value: unknown, seen = new Set<unknown>()): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key], seen);
}

let copies = 0;

/**
 * `fn` compiled anew with a numbered comment in its body: a text no cache has seen, of the same
 * length and positions for every copy.
 */
function uniqueCopy(fn: AnyFunction): AnyFunction {
  const source = Function.prototype.toString.call(fn);
  const brace = source.indexOf('{');
  const text = `${source.slice(0, brace + 1)}/* copy ${String(++copies).padStart(6, '0')} */${source.slice(brace + 1)}`;
  return (0, eval)(`(${text})`) as AnyFunction;
}

/** Parses enough other texts that no earlier tree is still remembered. */
function forgetRecentParses(): void {
  for (let i = 0; i < 16; i++) parseFunctionSource(`function forget${i}() { return ${i}; }`);
}

describe('parseFunctionSource (one parse shared by the analysis and the front end)', () => {
  it('gives the same tree for the same text, a new one for another text', () => {
    const text = 'function twice(x) { return x * 2; }';
    const first = parseFunctionSource(text);
    assert.ok(first.ok);
    assert.equal(parseFunctionSource(text), first);
    assert.notEqual(parseFunctionSource('function thrice(x) { return x * 3; }'), first);
    forgetRecentParses();
    const again = parseFunctionSource(text);
    assert.ok(again.ok);
    assert.notEqual(again, first);
    assert.equal(again.parsed.fn!.type, first.parsed.fn!.type);
  });

  it('remembers an unparsable text with its error', () => {
    const first = parseFunctionSource('function broken( { return 1; }');
    assert.equal(first.ok, false);
    assert.equal(parseFunctionSource('function broken( { return 1; }'), first);
  });

  it('does not remember a text it could not parse for want of stack', () => {
    const text = `function nested(x) { return ${'('.repeat(300)}x${')'.repeat(300)}; }`;
    let tooDeepSeen = false;
    // Recurse until the stack is gone, then try the parse on the way back up until one runs out.
    const dive = (): void => {
      try {
        dive();
      } catch {
        // The frame below overflowed: this one is near the end of the stack.
      }
      if (tooDeepSeen) return;
      try {
        const r = parseFunctionSource(text);
        if (!r.ok && r.tooDeep) tooDeepSeen = true;
      } catch {
        // Too deep even to call the parser.
      }
    };
    dive();
    assert.ok(tooDeepSeen, 'no frame ran the parser out of stack');
    const r = parseFunctionSource(text);
    assert.ok(r.ok, `with the stack back, the text parses: ${r.ok ? '' : r.error}`);
  });

  it('the analysis and the front end only read the shared tree (every kernel, on a frozen tree)', () => {
    for (const kernel of KERNELS) {
      const signature = signatureOf(kernel.inputs());
      assert.ok(signature, kernel.name);
      // Fresh trees first: what the analysis, the plan and the lowering give.
      const fresh = uniqueCopy(kernel.fn);
      forgetRecentParses();
      const analysisFresh = analyze(fresh);
      forgetRecentParses();
      const planFresh = planKernel(fresh);
      assert.ok(planFresh.ok, kernel.name);
      const loweredFresh = lowerKernel(planFresh.plan, signature);
      assert.ok(loweredFresh.ok, kernel.name);

      // Then the same from one frozen tree (strict-mode code throws on a write to it).
      const copy = uniqueCopy(kernel.fn);
      const shared = parseFunctionSource(Function.prototype.toString.call(copy));
      assert.ok(shared.ok, kernel.name);
      deepFreeze(shared.parsed);
      const analysisShared = analyze(copy);
      const planShared = planKernel(copy);
      assert.equal(parseFunctionSource(Function.prototype.toString.call(copy)), shared, `${kernel.name}: still the frozen tree`);
      assert.ok(planShared.ok, `${kernel.name}: ${planShared.ok ? '' : planShared.decline.message}`);
      const loweredShared = lowerKernel(planShared.plan, signature);
      assert.ok(loweredShared.ok, kernel.name);
      assert.deepEqual(analysisShared, analysisFresh, kernel.name);
      assert.deepEqual(loweredShared.kernel.trace, loweredFresh.kernel.trace, kernel.name);
      assert.equal(loweredShared.kernel.ir, loweredFresh.kernel.ir, kernel.name);
    }
  });
});
