// Typings under TC39 standard decorators: every supported form compiles, every unsupported one is
// rejected (each @ts-expect-error must be needed, or tsc fails with TS2578).
import { jitFocus, jitIgnore, jitOnce } from '../../dist/lib/index.js';

const add = (a: number, b: number): number => a + b;
export const focused: (a: number, b: number) => number = jitFocus(add);
export const withOptions: (a: number, b: number) => number = jitOnce(add, { maxDeopts: 2, samples: [[1, 2]] });
export const ignored: typeof add = jitIgnore(add);

export class Supported {
  @jitFocus instance(x: number): number { return x; }
  @jitIgnore static staticMethod(x: string): string { return x; }
  @jitOnce #secret(): number { return 1; }
  @jitFocus() emptyFactory(): void {}
  @jitFocus({ warmup: 5, profile: true }) withOptions(x: number): number { return x * 2; }
  @jitOnce({ maxDeopts: 1 }) static async asyncStatic(): Promise<number> { return this.name.length; }
  @jitIgnore *generator(): Generator<number> { yield 1; }
  useSecret(): number { return this.#secret(); }
}

export class Rejected {
  // @ts-expect-error a field is not a function
  @jitFocus field = 1;
  // @ts-expect-error a field holding a function is still a field
  @jitFocus arrowField = (): number => 1;
  // @ts-expect-error a field typed any is still a field
  @jitIgnore anyField: any = 1;
  // @ts-expect-error a field without initializer is still a field
  @jitOnce laterField?: () => void;
  // @ts-expect-error the factory's decorator rejects fields too
  @jitOnce({ maxDeopts: 1 }) optionsField = 2;
  // @ts-expect-error a getter is not a method
  @jitFocus get getter(): number { return 1; }
  // @ts-expect-error the factory's decorator rejects getters too
  @jitIgnore() get otherGetter(): number { return 1; }
  // @ts-expect-error a setter is not a method
  @jitFocus set setter(v: number) { void v; }
  // @ts-expect-error an auto-accessor is not a method
  @jitFocus accessor auto = 1;
}

// @ts-expect-error a class is not a method
@jitFocus class RejectedClass {}
void RejectedClass;

// @ts-expect-error not a function
jitFocus(42);
// @ts-expect-error unknown option
jitFocus(add, { sample: [[1, 2]] });
// @ts-expect-error wrong option type
jitFocus(add, { warmup: 'many' });
// @ts-expect-error unknown tier
jitFocus(add, { tier: 'fast' });
// @ts-expect-error extra argument
jitFocus(add, {}, 3);
