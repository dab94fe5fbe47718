// The package as users get it. Everything starts from a clean checkout of the committed tree (git
// archive of HEAD: nothing built, nothing uncommitted), installed with the lockfile (npm ci), packed
// (npm pack, which builds through prepack), then installed from the tarball into empty folders,
// once with install scripts disabled and once with them. From there: the README's quick start,
// extracted from the installed README.md and compiled as it is, in CommonJS and in ESM; `npx
// jitctl`; the typings under every moduleResolution, with the pinned TypeScript and TypeScript 7.

import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const PINNED_TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
/** The TypeScript 7 release these tests install from the registry (skipped when it cannot be reached). */
const TYPESCRIPT_7 = '7.0.2';
// Everything but TypeScript 7 comes from the npm cache; a registry that does not answer fails fast rather than after npm's retries.
const NPM_ENV = {
  ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', npm_config_loglevel: 'error',
  npm_config_fetch_retries: '1', npm_config_fetch_timeout: '20000',
};

function run(file: string, args: readonly string[], cwd: string): string {
  return execFileSync(file, args, { cwd, encoding: 'utf8', env: NPM_ENV, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

/** Runs a command that may fail; the output is stdout and stderr together. */
function attempt(file: string, args: readonly string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync(file, args, { cwd, encoding: 'utf8', env: NPM_ENV, maxBuffer: 64 << 20 });
  return { status: result.status, output: `${result.stdout}${result.stderr}${result.error ? String(result.error) : ''}` };
}

const npm = (args: readonly string[], cwd: string): string => run('npm', args, cwd);
const node = (args: readonly string[], cwd: string): string => run(process.execPath, args, cwd);

/** The first ```ts block after the heading `heading` of a Markdown text. */
function codeBlockAfter(markdown: string, heading: string): string {
  const at = markdown.indexOf(`\n${heading}\n`);
  assert.ok(at >= 0, `no heading '${heading}' in README.md`);
  const block = /```ts\n([\s\S]*?)```/.exec(markdown.slice(at));
  assert.ok(block, `no ts code block under '${heading}' in README.md`);
  return block[1];
}

/** Every ```ts block of a Markdown text. */
function codeBlocks(markdown: string): string[] {
  return Array.from(markdown.matchAll(/```ts\n([\s\S]*?)```/g), (match) => match[1]);
}

/** An empty app (private package.json) with the tarball installed, with or without install scripts. */
function installApp(dir: string, tarball: string, scripts: boolean): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  // @types/node: a user's project has it; the quick start calls console.log. Same version as ours, from the npm cache.
  const typesNode = `@types/node@${(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies['@types/node']}`;
  npm(['install', '--prefer-offline', ...(scripts ? [] : ['--ignore-scripts']), tarball, typesNode], dir);
  return dir;
}

interface TsConfig { module: string; moduleResolution: string; files: string[]; skipLibCheck?: boolean }

/** Writes a tsconfig for `files` and runs `tsc` on it; status 0 means it compiled. */
function compile(tsc: string, dir: string, name: string, config: TsConfig, emit: boolean): { status: number | null; output: string } {
  const tsconfig = path.join(dir, `tsconfig.${name}.json`);
  fs.writeFileSync(tsconfig, JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: config.module, moduleResolution: config.moduleResolution, strict: true,
      types: ['node'], skipLibCheck: config.skipLibCheck ?? true, noEmit: !emit, outDir: `out-${name}`, rootDir: '.',
    },
    files: config.files,
  }));
  return attempt(process.execPath, [tsc, '-p', tsconfig], dir);
}

// Consumers of both entry points, typed so that an unresolved module (an implicit any) fails to compile.
const CONSUMER_BODY = `
const add = jitFocus((a: number, b: number) => a + b, { samples: [[1, 2]] });
export const sum: number = add(1, 2);
export const records: FunctionStats[] = stats();
// @ts-expect-error a hint takes a function, not a number
jitFocus(42);
export const builder: TraceBuilder = new TraceBuilder();
export const status: boolean = engineStatus().loaded;
`;
const CONSUMER = `import { jitFocus, stats, type FunctionStats } from 'jitctl';
import { TraceBuilder, engineStatus } from 'jitctl/engine';
${CONSUMER_BODY}`;
const CJS_CONSUMER = `import jitctl = require('jitctl');
import engine = require('jitctl/engine');
const { jitFocus, stats } = jitctl;
type FunctionStats = jitctl.FunctionStats;
const { TraceBuilder, engineStatus } = engine;
type TraceBuilder = engine.TraceBuilder;
${CONSUMER_BODY}`;

const RESOLUTIONS: ReadonlyArray<{ moduleResolution: string; module: string; files: Record<string, string> }> = [
  { moduleResolution: 'node10', module: 'commonjs', files: { 'node10.ts': CONSUMER } },
  { moduleResolution: 'node16', module: 'node16', files: { 'node16.mts': CONSUMER, 'node16.cts': CJS_CONSUMER } },
  { moduleResolution: 'nodenext', module: 'nodenext', files: { 'nodenext.mts': CONSUMER, 'nodenext.cts': CJS_CONSUMER } },
  { moduleResolution: 'bundler', module: 'esnext', files: { 'bundler.ts': CONSUMER } },
];

describe('the package as users get it (clean checkout of HEAD, npm pack, install of the tarball)', function () {
  this.timeout(240_000);
  let work = '';
  let checkout = '';
  let tarball = '';
  let packed: string[] = [];
  const apps: Record<'without scripts' | 'with scripts', string> = { 'without scripts': '', 'with scripts': '' };

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'jitctl-package-'));
    checkout = path.join(work, 'checkout');
    fs.mkdirSync(checkout);
    const archive = execFileSync('git', ['archive', '--format=tar', 'HEAD'], { cwd: ROOT, maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', checkout], { input: archive });
    npm(['ci', '--prefer-offline'], checkout);
    assert.equal(fs.existsSync(path.join(checkout, 'dist')), false, 'npm ci must not build: the checkout starts unbuilt');
    const pack = JSON.parse(npm(['pack', '--json', '--pack-destination', work], checkout)) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = path.join(work, pack[0].filename);
    packed = pack[0].files.map((file) => file.path);
    apps['without scripts'] = installApp(path.join(work, 'app-no-scripts'), tarball, false);
    apps['with scripts'] = installApp(path.join(work, 'app-scripts'), tarball, true);
  });
  after(() => { if (work) fs.rmSync(work, { recursive: true, force: true }); });

  describe('the tarball', () => {
    it('holds the built library: both entry points, their typings and the CLI', () => {
      const wanted = ['dist/lib/index.js', 'dist/lib/index.mjs', 'dist/lib/index.d.ts', 'dist/lib/index.d.mts',
        'dist/lib/engine.js', 'dist/lib/engine.d.ts', 'dist/lib/cli.js'];
      assert.deepEqual(wanted.filter((file) => !packed.includes(file)), []);
    });

    it('holds no test, bench or example build', () => {
      assert.deepEqual(packed.filter((file) => /^dist\/(test|bench|examples)\//.test(file)), []);
    });

    it('ships every source file its source maps point at', () => {
      const missing: string[] = [];
      for (const map of packed.filter((file) => /^dist\/.*\.m?js\.map$/.test(file))) {
        const { sources } = JSON.parse(fs.readFileSync(path.join(apps['without scripts'], 'node_modules', 'jitctl', map), 'utf8')) as { sources: string[] };
        for (const source of sources) {
          const target = path.posix.join(path.posix.dirname(map), source);
          if (!packed.includes(target)) missing.push(`${map} -> ${target}`);
        }
      }
      assert.deepEqual(missing, []);
    });

    it('ships every file the declaration comments name', () => {
      const missing: string[] = [];
      for (const declaration of packed.filter((file) => /\.d\.m?ts$/.test(file))) {
        const text = fs.readFileSync(path.join(apps['without scripts'], 'node_modules', 'jitctl', declaration), 'utf8');
        // A name is of the package root (docs/decisions.md, lib/compiler/native/binding.ts) or of the declaration's source folder.
        const sourceDir = path.posix.dirname(declaration).replace(/^dist\//, '');
        for (const [named] of text.matchAll(/\b[\w./-]+\.(?:md|ts|mts|cc|h)\b/g)) {
          if (named === path.posix.basename(declaration)) continue;
          if (!packed.includes(named) && !packed.includes(path.posix.join(sourceDir, named))) missing.push(`${declaration}: ${named}`);
        }
      }
      assert.deepEqual(missing, []);
    });
  });

  for (const kind of ['without scripts', 'with scripts'] as const) {
    describe(`installed ${kind}`, () => {
      const app = (): string => apps[kind];

      it("require('jitctl') and import('jitctl') give the same hints", () => {
        const script = "import('jitctl').then((esm) => console.log(esm.jitFocus === require('jitctl').jitFocus && typeof esm.jitFocus))";
        assert.equal(node(['-e', script], app()).trim(), 'function');
      });

      it("require('jitctl/engine') loads the bundled prebuild and runs a kernel", () => {
        const script = `const { compile, TraceBuilder } = require('jitctl/engine');
          const b = new TraceBuilder(); const x = b.slot('f64'), y = b.slot('f64');
          b.param(x).returns(y).op('SQRT_F64', y, x).op('RETURN');
          console.log(compile(b).call(2));`;
        assert.equal(Number(node(['-e', script], app())), Math.SQRT2);
      });

      const installedVersion = (): string =>
        (JSON.parse(fs.readFileSync(path.join(app(), 'node_modules', 'jitctl', 'package.json'), 'utf8')) as { version: string }).version;

      it('npx jitctl info runs and names the installed version', () => {
        assert.match(run('npx', ['--offline', 'jitctl', 'info'], app()), new RegExp(`^jitctl +${installedVersion().replace(/\./g, '\\.')}$`, 'm'));
      });

      it('npx jitctl --version prints the installed version', () => {
        assert.equal(run('npx', ['--offline', 'jitctl', '--version'], app()), `${installedVersion()}\n`);
      });
    });
  }

  // Deno and Bun users import the same installed package (tools/runtimes.sh fetches the binaries).
  describe('installed, used from Deno and Bun', () => {
    const deno = path.join(ROOT, '.cache', 'runtimes', 'deno-linux-x64-glibc-2.9.6', 'deno');
    const bun = path.join(ROOT, '.cache', 'runtimes', 'oven-bun-linux-x64-1.4.5', 'bin', 'bun');
    const SAME_INSTANCE = `
      import { jitFocus, stats } from 'jitctl';
      import { createRequire } from 'node:module';
      const viaRequire = createRequire(import.meta.url)('jitctl');
      const f = jitFocus((x) => x * 2, { samples: [[1]] });
      console.log(JSON.stringify({ result: f(21), same: viaRequire.stats === stats && stats().length === 1 }));`;

    it("Deno imports 'jitctl', 'npm:jitctl' and require('jitctl') as one instance, from node_modules", function () {
      if (!fs.existsSync(deno)) this.skip();
      fs.writeFileSync(path.join(apps['without scripts'], 'deno.mjs'),
        `import * as viaNpm from 'npm:jitctl';\n${SAME_INSTANCE.replace('same: ', 'same: viaNpm.stats === stats && ')}`);
      const out = run(deno, ['run', '-A', 'deno.mjs'], apps['without scripts']);
      assert.deepEqual(JSON.parse(out.trim().split('\n').pop() ?? '{}'), { result: 42, same: true });
    });

    it("Bun imports 'jitctl' and require('jitctl') as one instance", function () {
      if (!fs.existsSync(bun)) this.skip();
      fs.writeFileSync(path.join(apps['without scripts'], 'bun.mjs'), SAME_INSTANCE);
      const out = run(bun, ['bun.mjs'], apps['without scripts']);
      assert.deepEqual(JSON.parse(out.trim().split('\n').pop() ?? '{}'), { result: 42, same: true });
    });

    it('bun x jitctl info reports Bun', function () {
      if (!fs.existsSync(bun)) this.skip();
      // From a shell, as users type it: without the npm_* variables that npm test itself set.
      const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('npm_')));
      const out = execFileSync(bun, ['x', 'jitctl', 'info'], { cwd: apps['without scripts'], encoding: 'utf8', env });
      assert.match(out, /^runtime +bun \d/m);
    });
  });

  describe("the README's quick start, as it is printed", () => {
    let quickStart = '';
    before(() => {
      quickStart = codeBlockAfter(fs.readFileSync(path.join(apps['with scripts'], 'node_modules', 'jitctl', 'README.md'), 'utf8'), '## Quick start');
    });

    let built: { status: number | null; output: string };
    before(() => {
      // The quick start as a CommonJS file and as an ESM one, and every other ts example of the README, in one tsc run.
      const app = apps['with scripts'];
      const examples = codeBlocks(fs.readFileSync(path.join(app, 'node_modules', 'jitctl', 'README.md'), 'utf8')).map((code, i) => {
        const file = `readme-example-${i}.mts`;
        fs.writeFileSync(path.join(app, file), /^(import|export) /m.test(code) ? code : `${code}\nexport {};\n`);
        return file;
      });
      fs.writeFileSync(path.join(app, 'quick-start.ts'), quickStart);
      fs.writeFileSync(path.join(app, 'quick-start.mts'), quickStart);
      built = compile(PINNED_TSC, app, 'readme', { module: 'nodenext', moduleResolution: 'nodenext', files: ['quick-start.ts', 'quick-start.mts', ...examples] }, true);
    });

    it('compiles as it is with the pinned tsc, as CommonJS and as ESM, and so does every other ts example', () => {
      assert.equal(built.status, 0, built.output);
    });

    for (const kind of ['with scripts', 'without scripts'] as const) {
      for (const [format, file] of [['CommonJS', 'quick-start.js'], ['ESM', 'quick-start.mjs']] as const) {
        it(`runs as ${format}, installed ${kind}, and prints the stats table`, () => {
          // Compiled once (above, in the app with scripts); run where each app resolves 'jitctl' to its own install.
          const compiled = path.join(apps[kind], `run-${file}`);
          fs.copyFileSync(path.join(apps['with scripts'], 'out-readme', file), compiled);
          const output = node([compiled], apps[kind]);
          assert.match(output, /^name +hint +tier/m, output);
        });
      }
    }
  });

  describe('typings resolve under every moduleResolution', () => {
    let typescript7 = '';
    let typescript7Missing = '';
    before(() => {
      const dir = path.join(work, 'typescript-7');
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true }));
      const installed = attempt('npm', ['install', '--prefer-offline', `typescript@${TYPESCRIPT_7}`], dir);
      if (installed.status === 0) typescript7 = path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
      else typescript7Missing = installed.output.trim().split('\n').slice(-3).join(' ');
    });

    for (const { moduleResolution, module, files } of RESOLUTIONS) {
      for (const compiler of ['pinned TypeScript', `TypeScript ${TYPESCRIPT_7}`]) {
        // TypeScript 7 no longer has node10 resolution; it is the pinned compiler's case only.
        if (moduleResolution === 'node10' && compiler !== 'pinned TypeScript') continue;
        it(`${moduleResolution} (module ${module}) with ${compiler}: 'jitctl' and 'jitctl/engine' are typed`, function () {
          let tsc = PINNED_TSC;
          if (compiler !== 'pinned TypeScript') {
            if (!typescript7) {
              console.log(`      skipped: typescript@${TYPESCRIPT_7} could not be installed from the npm registry (${typescript7Missing})`);
              this.skip();
            }
            tsc = typescript7;
          }
          const app = apps['without scripts'];
          for (const [file, code] of Object.entries(files)) fs.writeFileSync(path.join(app, file), code);
          // TypeScript 7 is quick enough to check jitctl's declaration files themselves too (skipLibCheck off).
          const built = compile(tsc, app, `${moduleResolution}-${tsc === PINNED_TSC ? 'pinned' : 'ts7'}`,
            { module, moduleResolution, files: Object.keys(files), skipLibCheck: tsc === PINNED_TSC }, false);
          assert.equal(built.status, 0, built.output);
        });
      }
    }
  });
});
