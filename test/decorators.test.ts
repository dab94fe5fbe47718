// The hints as TC39 standard decorators (this file is compiled without experimentalDecorators):
// every supported form on instance, static and #private methods, and a TypeError at class
// definition for every other use.

import * as assert from 'node:assert/strict';
import { jitFocus, jitIgnore, jitOnce } from '../lib/index.js';
import { countNamed, recordNamed } from './helpers/records.js';

const TC39_SYMBOL = Symbol('tc39Symbol');

describe('TC39 decorators: supported forms', () => {
  class Meter {
    constructor(private readonly scale: number) {}

    @jitFocus tc39FocusPlain(x: number): number { return x * this.scale; }
    @jitIgnore tc39IgnorePlain(x: number): number { return x - this.scale; }
    @jitOnce tc39OncePlain(x: unknown): string { return `${String(x)}/${this.scale}`; }
    @jitFocus() tc39FocusEmpty(x: number): number { return x + this.scale; }
    @jitFocus({ profile: true, warmup: 3 }) tc39FocusOptions(x: number): number { return x * 2 + this.scale; }
    @jitOnce({ maxDeopts: 2 }) tc39OnceOptions(x: number): number { return x ** 2; }
    @jitIgnore({ profile: true }) tc39IgnoreOptions(x: number): number { return -x; }
    @jitFocus static tc39Static(x: number): number { return x + 100; }
    @jitOnce({ profile: true }) static tc39StaticOptions(x: number): number { return x + 200; }
    @jitFocus #tc39Private(x: number): number { return x * 10 + this.scale; }
    @jitIgnore() async tc39Async(x: number): Promise<number> { return x + this.scale; }
    @jitFocus *tc39Generator(n: number): Generator<number> { for (let i = 0; i < n; i++) yield i * this.scale; }
    @jitFocus [TC39_SYMBOL](): string { return 'symbol'; }

    callPrivate(x: number): number { return this.#tc39Private(x); }
  }
  const meter = new Meter(2);

  it('@jitFocus on an instance method keeps it working', () => assert.equal(meter.tc39FocusPlain(4), 8));
  it('@jitIgnore on an instance method keeps it working', () => assert.equal(meter.tc39IgnorePlain(4), 2));
  it('@jitOnce on an instance method keeps it working', () => assert.equal(meter.tc39OncePlain('a'), 'a/2'));
  it('@jitFocus() keeps the method working', () => assert.equal(meter.tc39FocusEmpty(1), 3));
  it('@jitFocus(options) keeps the method working', () => assert.equal(meter.tc39FocusOptions(1), 4));
  it('@jitOnce({ maxDeopts }) keeps the method working', () => assert.equal(meter.tc39OnceOptions(3), 9));
  it('@jitIgnore(options) keeps the method working', () => assert.equal(meter.tc39IgnoreOptions(3), -3));
  it('a static method keeps working', () => assert.equal(Meter.tc39Static(1), 101));
  it('a static method with options keeps working', () => assert.equal(Meter.tc39StaticOptions(1), 201));
  it('a #private method keeps working', () => assert.equal(meter.callPrivate(1), 12));
  it('an async method keeps working', async () => assert.equal(await meter.tc39Async(1), 3));
  it('a generator method keeps working', () => assert.deepEqual([...meter.tc39Generator(3)], [0, 2, 4]));
  it('a symbol-named method keeps working', () => assert.equal(meter[TC39_SYMBOL](), 'symbol'));

  it('records an instance method as Class.method', () => assert.equal(recordNamed('Meter.tc39FocusPlain').hint, 'jitFocus'));
  it('records a static method as Class.method', () => assert.equal(recordNamed('Meter.tc39Static').hint, 'jitFocus'));
  it('records a #private method as #name', () => assert.equal(recordNamed('#tc39Private').hint, 'jitFocus'));
  it('records a symbol-named method as Class.[description]', () => assert.equal(recordNamed('Meter.[tc39Symbol]').hint, 'jitFocus'));
  it('records the options given to the decorator factory', () => assert.equal(recordNamed('Meter.tc39FocusOptions').profiled, true));
  it('records jitOnce for @jitOnce', () => assert.equal(recordNamed('Meter.tc39OnceOptions').hint, 'jitOnce'));

  it('applies the hint once per class definition, not per instance', () => {
    new Meter(3);
    assert.equal(countNamed('Meter.tc39IgnorePlain'), 1);
  });

  it("returns the method itself on the 'noop' tier", () => {
    function tc39Original(this: unknown): number { return 1; }
    let seen: unknown;
    const spy = (value: typeof tc39Original, context: ClassMethodDecoratorContext): typeof tc39Original => {
      const result = jitFocus({ tier: 'noop' })(value, context as ClassMethodDecoratorContext<unknown, typeof tc39Original>);
      seen = result === value;
      return result;
    };
    class Holder { @spy tc39Noop(): number { return 1; } }
    void Holder;
    assert.equal(seen, true);
  });
});

describe('TC39 decorators: the names in stats()', () => {
  it('names an instance method by its bare name until the class is first constructed, then Class.method', () => {
    class Lazy { @jitFocus tc39LazyName(): number { return 1; } }
    const before = countNamed('tc39LazyName');
    new Lazy();
    assert.deepEqual([before, countNamed('tc39LazyName'), countNamed('Lazy.tc39LazyName')], [1, 0, 1]);
  });

  it('names an instance method after the class that declares it, even when a subclass is constructed first', () => {
    class Base { @jitOnce tc39Inherited(): number { return 1; } }
    class Derived extends Base {}
    new Derived();
    new Base();
    assert.deepEqual([countNamed('Base.tc39Inherited'), countNamed('Derived.tc39Inherited')], [1, 0]);
  });

  it('tells apart same-named methods of two classes', () => {
    class Left { @jitIgnore tc39SameName(): number { return 1; } }
    class Right { @jitIgnore tc39SameName(): number { return 2; } }
    new Left();
    new Right();
    assert.deepEqual([countNamed('Left.tc39SameName'), countNamed('Right.tc39SameName')], [1, 1]);
  });

  it('keeps an overriding method apart from the method it overrides', () => {
    class Animal { @jitFocus tc39Speak(): string { return '...'; } }
    class Dog extends Animal { @jitFocus override tc39Speak(): string { return 'woof'; } }
    new Dog();
    new Animal();
    assert.deepEqual([countNamed('Animal.tc39Speak'), countNamed('Dog.tc39Speak'), new Dog().tc39Speak()], [1, 1, 'woof']);
  });

  it('names the record on the first construction only: later ones cost one check and change nothing', () => {
    class Counted { @jitFocus tc39Counted(): number { return 1; } }
    new Counted();
    const record = recordNamed('Counted.tc39Counted');
    Object.defineProperty(Counted, 'name', { value: 'Renamed' });
    new Counted();
    assert.deepEqual([recordNamed('Counted.tc39Counted').id, countNamed('Renamed.tc39Counted')], [record.id, 0]);
  });

  it('uses the name option as it is, without the class', () => {
    class Named { @jitFocus({ name: 'tc39 custom name' }) method(): number { return 1; } @jitFocus({ name: 'tc39 static name' }) static other(): void {} }
    new Named();
    assert.deepEqual([countNamed('tc39 custom name'), countNamed('tc39 static name'), countNamed('Named.method')], [1, 1, 0]);
  });
});

describe('TC39 decorators: unsupported uses throw a TypeError at class definition', () => {
  it('on a field', () => {
    assert.throws(() => {
      class WithField {
        // @ts-expect-error the typings reject it; this checks the run-time guard
        @jitFocus count = 1;
      }
      return WithField;
    }, /^TypeError: jitFocus cannot be applied to a field 'count'/);
  });

  it('on a field, through the decorator factory', () => {
    assert.throws(() => {
      class WithField {
        // @ts-expect-error the typings reject it; this checks the run-time guard
        @jitOnce({ maxDeopts: 1 }) handler = (): number => 1;
      }
      return WithField;
    }, /^TypeError: jitOnce cannot be applied to a field 'handler'/);
  });

  it('on a getter', () => {
    assert.throws(() => {
      class WithGetter {
        // @ts-expect-error the typings reject it; this checks the run-time guard
        @jitIgnore get size(): number { return 1; }
      }
      return WithGetter;
    }, /^TypeError: jitIgnore cannot be applied to a getter 'size'/);
  });

  it('on a setter', () => {
    assert.throws(() => {
      class WithSetter {
        // @ts-expect-error the typings reject it; this checks the run-time guard
        @jitFocus() set size(value: number) { void value; }
      }
      return WithSetter;
    }, /^TypeError: jitFocus cannot be applied to a setter 'size'/);
  });

  it('on an auto-accessor', () => {
    assert.throws(() => {
      class WithAccessor {
        // @ts-expect-error the typings reject it; this checks the run-time guard
        @jitFocus accessor level = 1;
      }
      return WithAccessor;
    }, /^TypeError: jitFocus cannot be applied to an? auto-accessor 'level'/);
  });

  it('on a class', () => {
    assert.throws(() => {
      // @ts-expect-error the typings reject it; this checks the run-time guard
      @jitFocus class Decorated {}
      return Decorated;
    }, /^TypeError: jitFocus cannot be applied to a class 'Decorated'/);
  });

  it('on a class, through the decorator factory', () => {
    assert.throws(() => {
      // @ts-expect-error the typings reject it; this checks the run-time guard
      @jitOnce() class Decorated {}
      return Decorated;
    }, /^TypeError: jitOnce cannot be applied to a class 'Decorated'/);
  });
});
