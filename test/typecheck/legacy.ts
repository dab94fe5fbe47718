// Typings under experimentalDecorators: the same contract as standard.ts for legacy decorators.
import { jitFocus, jitIgnore, jitOnce } from '../../dist/lib/index.js';

export class Supported {
  @jitFocus instance(x: number): number { return x; }
  @jitIgnore static staticMethod(x: string): string { return x; }
  @jitFocus() emptyFactory(): void {}
  @jitFocus({ warmup: 5, profile: true }) withOptions(x: number): number { return x * 2; }
  @jitOnce({ maxDeopts: 1 }) static async asyncStatic(): Promise<number> { return 1; }
  @jitIgnore *generator(): Generator<number> { yield 1; }
}

export class Rejected {
  // @ts-expect-error a field is not a function
  @jitFocus field = 1;
  // @ts-expect-error a field typed any is still a field
  @jitIgnore anyField: any = 1;
  // @ts-expect-error the factory's decorator rejects fields too
  @jitOnce({ maxDeopts: 1 }) optionsField = 2;
  // @ts-expect-error a getter is not a method
  @jitFocus get getter(): number { return 1; }
  // @ts-expect-error the factory's decorator rejects getters too
  @jitIgnore() get otherGetter(): number { return 1; }
  // @ts-expect-error a setter is not a method
  @jitFocus set setter(v: number) { void v; }
  // @ts-expect-error a static field is not a method
  @jitFocus static staticField = 3;
}

// @ts-expect-error a class is not a method
@jitFocus class RejectedClass {}
void RejectedClass;

export class LegacyMaxDeopts {
  @jitOnce({ maxDeopts: 2 }) once(): void {}
  // @ts-expect-error maxDeopts on the jitFocus factory
  @jitFocus({ maxDeopts: 2 }) focus(): void {}
}
