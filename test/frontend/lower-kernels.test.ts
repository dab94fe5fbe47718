// The corpus of numeric kernels (kernels.ts): each plans, lowers for the signature of its inputs,
// compiles, and agrees with V8 on its result and on every typed array it writes.

import assert from 'node:assert/strict';

import { lowerKernel, planKernel, signatureOf } from '../../lib/compiler/frontend/index.js';
import { compile, type KernelArgument } from '../../lib/engine.js';
import { KERNELS } from './kernels.js';
import { sameValue } from './lower-helpers.js';

function sameContents(a: unknown, b: unknown): boolean {
  if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b)) return sameValue(a, b);
  const x = a as unknown as ArrayLike<number>, y = b as unknown as ArrayLike<number>;
  if (x.length !== y.length) return false;
  // Elements compared as values, any NaN equal to any NaN (V8's tiers differ on NaN payloads).
  for (let i = 0; i < x.length; i++) if (!sameValue(x[i], y[i])) return false;
  return true;
}

describe('lowerKernel: the kernel corpus agrees with V8', () => {
  for (const k of KERNELS) {
    it(k.name, () => {
      const planned = planKernel(k.fn);
      assert.ok(planned.ok, planned.ok ? '' : planned.decline.message);
      if (!planned.ok) return;
      const jsArgs = k.inputs(), nativeArgs = k.inputs();
      const signature = signatureOf(nativeArgs);
      assert.ok(signature, 'the inputs have argument kinds');
      const lowered = lowerKernel(planned.plan, signature!);
      assert.ok(lowered.ok, lowered.ok ? '' : lowered.decline.message);
      if (!lowered.ok) return;
      const kernel = compile(lowered.kernel.trace);
      const expected = k.fn(...jsArgs);
      const actual = kernel.call(...(nativeArgs as KernelArgument[]));
      const what = `\n${lowered.kernel.ir}\n${lowered.kernel.uops.join('\n')}`;
      assert.ok(sameValue(actual, expected), `result ${String(actual)}, V8 ${String(expected)}${what}`);
      jsArgs.forEach((a, i) => assert.ok(sameContents(nativeArgs[i], a), `argument ${i} differs${what}`));
      kernel.free();
    });
  }
});
