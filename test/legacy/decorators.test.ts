// The hints as legacy decorators (this file is compiled with experimentalDecorators): every
// supported form on instance and static methods, and a TypeError at class definition for every
// other use.

import * as assert from 'node:assert/strict';
import { jitFocus, jitIgnore, jitOnce } from '../../lib/index.js';
import { countNamed, recordNamed } from '../helpers/records.js';

describe('legacy decorators: supported forms', () => {
  class Gauge {
    constructor(private readonly scale: number) {}

    @jitFocus legacyFocusPlain(x: number): number { return x * this.scale; }
    @jitIgnore legacyIgnorePlain(x: number): number { return x - this.scale; }
    @jitOnce legacyOncePlain(x: unknown): string { return `${String(x)}/${this.scale}`; }
    @jitFocus() legacyFocusEmpty(x: number): number { return x + this.scale; }
    @jitFocus({ profile: true, warmup: 3 }) legacyFocusOptions(x: number): number { return x * 2 + this.scale; }
    @jitOnce({ maxDeopts: 2 }) legacyOnceOptions(x: number): number { return x ** 2; }
    @jitIgnore({ profile: true }) legacyIgnoreOptions(x: number): number { return -x; }
    @jitFocus static legacyStatic(x: number): number { return x + 100; }
    @jitOnce({ profile: true }) static legacyStaticOptions(x: number): number { return x + 200; }
    @jitIgnore() async legacyAsync(x: number): Promise<number> { return x + this.scale; }
    @jitFocus *legacyGenerator(n: number): Generator<number> { for (let i = 0; i < n; i++) yield i * this.scale; }
  }
  const gauge = new Gauge(2);

  it('@jitFocus on an instance method keeps it working', () => assert.equal(gauge.legacyFocusPlain(4), 8));
  it('@jitIgnore on an instance method keeps it working', () => assert.equal(gauge.legacyIgnorePlain(4), 2));
  it('@jitOnce on an instance method keeps it working', () => assert.equal(gauge.legacyOncePlain('a'), 'a/2'));
  it('@jitFocus() keeps the method working', () => assert.equal(gauge.legacyFocusEmpty(1), 3));
  it('@jitFocus(options) keeps the method working', () => assert.equal(gauge.legacyFocusOptions(1), 4));
  it('@jitOnce({ maxDeopts }) keeps the method working', () => assert.equal(gauge.legacyOnceOptions(3), 9));
  it('@jitIgnore(options) keeps the method working', () => assert.equal(gauge.legacyIgnoreOptions(3), -3));
  it('a static method keeps working', () => assert.equal(Gauge.legacyStatic(1), 101));
  it('a static method with options keeps working', () => assert.equal(Gauge.legacyStaticOptions(1), 201));
  it('an async method keeps working', async () => assert.equal(await gauge.legacyAsync(1), 3));
  it('a generator method keeps working', () => assert.deepEqual([...gauge.legacyGenerator(3)], [0, 2, 4]));

  it('records an instance method as Class.method', () => assert.equal(recordNamed('Gauge.legacyFocusPlain').hint, 'jitFocus'));
  it('records a static method as Class.method', () => assert.equal(recordNamed('Gauge.legacyStatic').hint, 'jitFocus'));
  it('records the options given to the decorator factory', () => assert.equal(recordNamed('Gauge.legacyFocusOptions').profiled, true));
  it('records jitOnce for @jitOnce', () => assert.equal(recordNamed('Gauge.legacyOnceOptions').hint, 'jitOnce'));

  it('applies the hint once per class definition, not per instance', () => {
    new Gauge(3);
    assert.equal(countNamed('Gauge.legacyIgnorePlain'), 1);
  });

  it('keeps the method non-enumerable, as the class defined it', () => {
    assert.equal(Object.getOwnPropertyDescriptor(Gauge.prototype, 'legacyFocusPlain')?.enumerable, false);
  });
});

describe('legacy decorators: the name option', () => {
  it('names the record as given, without the class', () => {
    class LegacyNamed { @jitFocus({ name: 'legacy custom name' }) method(): number { return 1; } }
    new LegacyNamed();
    assert.deepEqual([countNamed('legacy custom name'), countNamed('LegacyNamed.method')], [1, 0]);
  });
});

describe('legacy decorators: unsupported uses throw a TypeError at class definition', () => {
  it('on a field', () => {
    assert.throws(() => {
      class WithField {
        // @ts-expect-error the typings reject it; this checks the run-time guard
        @jitFocus count = 1;
      }
      return WithField;
    }, /^TypeError: jitFocus cannot be applied to a field \('WithField\.count'\)/);
  });

  it('on a static field, through the decorator factory', () => {
    assert.throws(() => {
      class WithField {
        // @ts-expect-error the typings reject it; this checks the run-time guard
        @jitOnce({ maxDeopts: 1 }) static handler = (): number => 1;
      }
      return WithField;
    }, /^TypeError: jitOnce cannot be applied to a field \('WithField\.handler'\)/);
  });

  it('on a getter', () => {
    assert.throws(() => {
      class WithGetter {
        // @ts-expect-error the typings reject it; this checks the run-time guard
        @jitIgnore get size(): number { return 1; }
      }
      return WithGetter;
    }, /^TypeError: jitIgnore cannot be applied to a getter \('WithGetter\.size'\)/);
  });

  it('on a getter that returns a function (which the typings cannot tell from a method)', () => {
    assert.throws(() => {
      class WithGetter {
        @jitIgnore get callback(): () => number { return () => 1; }
      }
      return WithGetter;
    }, /^TypeError: jitIgnore cannot be applied to a getter \('WithGetter\.callback'\)/);
  });

  it('on a setter', () => {
    assert.throws(() => {
      class WithSetter {
        // @ts-expect-error the typings reject it; this checks the run-time guard
        @jitFocus() set size(value: number) { void value; }
      }
      return WithSetter;
    }, /^TypeError: jitFocus cannot be applied to a setter \('WithSetter\.size'\)/);
  });

  it('on a class', () => {
    assert.throws(() => {
      // @ts-expect-error the typings reject it; this checks the run-time guard
      @jitFocus class Decorated {}
      return Decorated;
    }, /^TypeError: jitFocus cannot be applied to a class \(Decorated\)/);
  });

  it('on a class, through the decorator factory', () => {
    assert.throws(() => {
      // @ts-expect-error the typings reject it; this checks the run-time guard
      @jitOnce() class Decorated {}
      return Decorated;
    }, /^TypeError: jitOnce cannot be applied to a class \(Decorated\)/);
  });
});
