// `jitctl explain <file> [function] [--signature K1,K2,...] [--json]`: loads a JavaScript file,
// takes the functions it exports (or the one named) and prints what the native tier makes of each
// (explainInFile: positions in the file). Bad input (no file, no such function, nothing exported,
// a bad signature, a file that does not load) is an error with exit code 2.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { explainInFile, formatExplain } from './explain.js';
import { parseSignature } from './compiler/explain.js';
import type { ExplainReport } from './compiler/explain.js';

interface Arguments { file: string; name?: string; signature?: string; json: boolean }

function parseArguments(args: readonly string[]): Arguments | string {
  const positional: string[] = [];
  let signature: string | undefined;
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--json') json = true;
    else if (arg === '--signature' || arg.startsWith('--signature=')) {
      const value = arg === '--signature' ? args[++i] : arg.slice('--signature='.length);
      if (value === undefined || value.startsWith('--')) return '--signature needs argument kinds, e.g. --signature Float64Array,Float64Array,i32';
      signature = value;
    } else if (arg.startsWith('--')) return `unknown option '${arg}'`;
    else positional.push(arg);
  }
  if (positional.length === 0) return 'which file? jitctl explain <file> [function]';
  if (positional.length > 2) return `unexpected argument '${positional[2]}'`;
  return { file: positional[0], name: positional[1], signature, json };
}

const dynamicImport = (specifier: string): Promise<Record<string, unknown>> => import(specifier) as Promise<Record<string, unknown>>;

async function load(file: string): Promise<unknown> {
  if (path.extname(file) === '.mjs') return dynamicImport(pathToFileURL(file).href);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as unknown;
  } catch (error) {
    // A .js file of a "type": "module" package is ESM.
    if ((error as { code?: unknown } | null)?.code === 'ERR_REQUIRE_ESM') return dynamicImport(pathToFileURL(file).href);
    throw error;
  }
}

/** The functions a module exports, by export name (a module that is itself a function counts as its default). */
function exportedFunctions(exported: unknown): Array<[string, unknown]> {
  if (typeof exported === 'function') {
    const name = typeof exported.name === 'string' && exported.name ? exported.name : 'default';
    return [[name, exported], ...exportedFunctions({ ...exported }).filter(([key]) => key !== name)];
  }
  if (typeof exported !== 'object' || exported === null) return [];
  const found: Array<[string, unknown]> = [];
  for (const key of Object.keys(exported)) {
    const value = (exported as Record<string, unknown>)[key];
    if (typeof value === 'function' && !found.some(([, fn]) => fn === value)) found.push([key, value]);
  }
  return found;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs `jitctl explain`; resolves to the exit code. `err` gets the problem without the usage text. */
export async function explainCommand(args: readonly string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  const parsed = parseArguments(args);
  if (typeof parsed === 'string') {
    err(`jitctl explain: ${parsed} (jitctl help for the usage)`);
    return 2;
  }
  if (parsed.signature !== undefined) {
    try {
      parseSignature(parsed.signature, '--signature');
    } catch (error) {
      err(`jitctl explain: ${message(error)}`);
      return 2;
    }
  }
  const file = path.resolve(parsed.file);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    err(`jitctl explain: no such file: ${parsed.file}`);
    return 2;
  }
  let exported: unknown;
  try {
    exported = await load(file);
  } catch (error) {
    err(`jitctl explain: cannot load ${parsed.file}: ${message(error)}`);
    return 2;
  }
  const functions = exportedFunctions(exported);
  if (functions.length === 0) {
    err(`jitctl explain: ${parsed.file} exports no functions`);
    return 2;
  }
  let chosen = functions;
  if (parsed.name !== undefined) {
    chosen = functions.filter(([name]) => name === parsed.name);
    if (chosen.length === 0) {
      err(`jitctl explain: ${parsed.file} exports no function named '${parsed.name}' (it exports ${functions.map(([name]) => name).join(', ')})`);
      return 2;
    }
  }
  const options = parsed.signature !== undefined ? { signature: parsed.signature } : {};
  const reports: ExplainReport[] = chosen.map(([name, fn]) => ({ ...explainInFile(fn, text, options, path.basename(file)), name }));
  out(parsed.json ? JSON.stringify(reports, null, 2) : formatExplain(reports));
  return 0;
}
