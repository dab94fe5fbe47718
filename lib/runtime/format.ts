// formatStats(): stats() as text that fits 120 columns. The table has one line per function with
// what matters at a glance; everything longer (the tier's reason, fallbacks, warnings, all the
// times, tier changes, warm-up errors) is in the details section, with { details: true }.

import { checkBooleanOptions, describeValue } from '../describe.js';
import { droppedRecords, MAX_RECORDS } from './registry.js';
import { stats, type FunctionStats } from './stats.js';
import type { WarmupResult } from '../types.js';

/** What formatStats() accepts besides the records. */
export interface FormatStatsOptions {
  /** After the table, a section per function with the tier's reason, fallbacks, warnings, times, tier changes and warm-up. */
  details?: boolean;
}

/** Every line formatStats() prints fits this many columns. */
export const FORMAT_WIDTH = 120;
const GAP = '  ';

/** One line of text: control characters (newlines included) become spaces. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

/** A table cell: one line, and no longer than any line can be (a 100,000-character name is cut before it is scanned). */
function cellText(text: string): string {
  return oneLine(text.length > FORMAT_WIDTH ? text.slice(0, FORMAT_WIDTH + 1) : text);
}

/** `text` cut to `width` columns, with '...' where it was cut. */
function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 3))}...`;
}

/** `text` broken at spaces into lines of at most `width` columns, every line after the first indented by `indent`. */
function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let rest = oneLine(text);
  let room = width;
  while (rest.length > room) {
    const space = rest.lastIndexOf(' ', room);
    const cut = space > room / 2 ? space : room;
    lines.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
    room = width - indent.length;
  }
  lines.push(rest);
  return lines.map((line, i) => (i === 0 ? line : indent + line));
}

function formatNs(ns: number): string {
  if (ns < 1_000) return `${ns.toFixed(0)} ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(1)} us`;
  if (ns < 1_000_000_000) return `${(ns / 1_000_000).toFixed(2)} ms`;
  return `${(ns / 1_000_000_000).toFixed(2)} s`;
}

/** A count in at most 7 columns. */
function formatCount(n: number): string {
  if (n < 10_000_000) return String(n);
  if (n < 10_000_000_000) return `${Math.round(n / 1_000_000)}M`;
  return `${Math.round(n / 1_000_000_000)}G`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function warmupCell(warmup: WarmupResult): string {
  switch (warmup.state) {
    case 'none': return '-';
    case 'pending': return warmup.when === 'manual' ? 'pending (manual)' : 'on first call';
    case 'done': return `${formatCount(warmup.calls)} calls`;
    case 'failed': return 'failed';
  }
}

/** The native tier's choice in a few columns: 'native 3.2x', 'v8 (1.4x)', 'native pending'. */
function nativeNote(native: NonNullable<FunctionStats['native']>): string {
  if (native.signatures.length === 0) return 'no kernel';
  if (native.choice === 'pending' || native.speedup === null) return `${native.choice === 'v8' ? 'v8' : 'native'} pending`;
  const ratio = native.choice === 'native' ? native.speedup : 1 / native.speedup;
  return `${native.choice} ${ratio >= 10 ? ratio.toFixed(0) : ratio.toFixed(1)}x`;
}

function notesCell(s: FunctionStats): string {
  const notes: string[] = [];
  if (s.native) notes.push(nativeNote(s.native));
  if (s.pinned) notes.push('pinned');
  if (s.warnings.length > 0) notes.push(plural(s.warnings.length, 'warning'));
  return notes.length > 0 ? notes.join(', ') : '-';
}

interface Column {
  title: string;
  /** Widest cell shown; longer ones are cut. The name column takes what the others leave. */
  max: number;
  right?: boolean;
  cell(s: FunctionStats): string;
}

const NAME_COLUMN: Column = { title: 'name', max: Infinity, cell: (s) => s.name };
const COLUMNS: readonly Column[] = [
  NAME_COLUMN,
  { title: 'hint', max: 9, cell: (s) => s.hint },
  { title: 'tier', max: 6, cell: (s) => s.tier },
  { title: 'calls', max: 7, right: true, cell: (s) => (s.profiled || s.calls > 0 ? formatCount(s.calls) : '-') },
  { title: 'avg', max: 8, right: true, cell: (s) => (s.time ? formatNs(s.time.avgNs) : '-') },
  { title: 'max', max: 8, right: true, cell: (s) => (s.time ? formatNs(s.time.maxNs) : '-') },
  { title: 'observed', max: 11, cell: (s) => s.observedTier },
  { title: 'deopts', max: 6, right: true, cell: (s) => formatCount(s.deopts) },
  { title: 'warm-up', max: 16, cell: (s) => warmupCell(s.warmup) },
  { title: 'notes', max: 19, cell: notesCell },
];
const NAME_MIN = 12;

function table(records: readonly FunctionStats[]): string[] {
  const rows = records.map((s) => COLUMNS.map((column) => cellText(column.cell(s))));
  const widths = COLUMNS.map((column, i) => Math.min(column.max, rows.reduce((w, row) => Math.max(w, row[i].length), column.title.length)));
  const others = widths.slice(1).reduce((sum, w) => sum + w + GAP.length, 0);
  widths[0] = Math.max(NAME_MIN, Math.min(widths[0], FORMAT_WIDTH - others));
  const line = (cells: readonly string[]): string => cells
    .map((cell, i) => {
      const text = fit(cell, widths[i]);
      return COLUMNS[i].right ? text.padStart(widths[i]) : text.padEnd(widths[i]);
    })
    .join(GAP)
    .trimEnd();
  return [line(COLUMNS.map((c) => c.title)), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

function nativeFacts(native: NonNullable<FunctionStats['native']>): string[] {
  const facts = [`native kernels: ${native.signatures.length ? native.signatures.map((sig) => `(${sig})`).join(', ') : 'none'}; ` +
    `${native.codeBytes} code bytes, compiled in ${native.compileMs.toFixed(2)} ms`];
  for (const decline of native.declined) facts.push(`native declined (${decline.signature}): ${decline.reason}`);
  const choice = native.speedup === null
    ? `choice ${native.choice} (not measured yet)`
    : `choice ${native.choice}: the kernel runs ${native.speedup.toFixed(2)}x ${native.speedup >= 1 ? 'as fast as' : 'the speed of'} V8's code`;
  const recompiled = native.despeculated ? `; ${native.despeculated} signature${native.despeculated === 1 ? '' : 's'} compiled again without int32 speculation` : '';
  const declined = native.guardDeclines ? ` (${native.guardDeclines} declined by a kernel${recompiled})` : '';
  facts.push(`native calls: ${native.kernelCalls} through kernels, ${native.fallbackCalls} through the JS function${declined}; ${choice}`);
  return facts;
}

function detailLines(s: FunctionStats): string[] {
  const facts: string[] = [`tier ${s.tier}: ${s.reason || '-'}`];
  for (const fallback of s.fallbacks) facts.push(`fallback: ${fallback}`);
  for (const warning of s.warnings) facts.push(`warning: ${warning}`);
  if (s.time) {
    facts.push(`time: ${s.time.timedCalls} timed calls, min ${formatNs(s.time.minNs)}, avg ${formatNs(s.time.avgNs)}, max ${formatNs(s.time.maxNs)}`);
  }
  if (s.tierChanges.length > 0) {
    facts.push(`tier changes: ${s.tierChanges.map((c) => `${c.from} -> ${c.to} at call ${c.atCall}`).join(', ')}`);
  }
  facts.push(`observed ${s.observedTier}, ${plural(s.compiles, 'compile')}, ${plural(s.deopts, 'deopt')}${s.pinned ? ', pinned' : ''}`);
  if (s.native) facts.push(...nativeFacts(s.native));
  const w = s.warmup;
  if (w.state !== 'none') {
    facts.push(`warm-up (${w.when}): ${w.state}, ${plural(w.calls, 'call')}, ${w.ms.toFixed(2)} ms${w.error ? `: ${w.error}` : ''}`);
  }
  const lines = [fit(cellText(`${s.name} (${s.hint}, id ${s.id})`), FORMAT_WIDTH)];
  for (const fact of facts) lines.push(...wrap(`  ${fact}`, FORMAT_WIDTH, '      '));
  return lines;
}

/** The first reason `value` is not a stats() record, or undefined when it is one. */
function notARecord(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return `it is ${describeValue(value)}`;
  const s = value as Record<string, unknown>;
  const expect: Array<[string, string]> = [
    ['id', 'number'], ['name', 'string'], ['hint', 'string'], ['tier', 'string'], ['reason', 'string'], ['calls', 'number'],
    ['profiled', 'boolean'], ['observedTier', 'string'], ['deopts', 'number'], ['compiles', 'number'], ['pinned', 'boolean'],
  ];
  for (const [key, type] of expect) {
    if (typeof s[key] !== type) return `'${key}' must be a ${type}, got ${describeValue(s[key])}`;
  }
  for (const key of ['fallbacks', 'warnings', 'tierChanges']) {
    if (!Array.isArray(s[key])) return `'${key}' must be an array, got ${describeValue(s[key])}`;
  }
  const time = s.time as Record<string, unknown> | null;
  if (time !== null && (typeof time !== 'object' || ['timedCalls', 'minNs', 'avgNs', 'maxNs'].some((k) => typeof time[k] !== 'number'))) {
    return "'time' must be null or { timedCalls, minNs, avgNs, maxNs } (numbers)";
  }
  const warmup = s.warmup as Record<string, unknown> | null;
  if (typeof warmup !== 'object' || warmup === null || typeof warmup.state !== 'string' || typeof warmup.calls !== 'number' || typeof warmup.ms !== 'number') {
    return "'warmup' must be { state, when, calls, ms }";
  }
  return undefined;
}

function checkRecords(records: unknown): readonly FunctionStats[] {
  if (!Array.isArray(records)) {
    throw new TypeError(`formatStats: expected an array of stats() records or an options object, got ${describeValue(records)}`);
  }
  records.forEach((record, i) => {
    const problem = notARecord(record);
    if (problem !== undefined) throw new TypeError(`formatStats: records[${i}] is not a stats() record: ${problem}`);
  });
  return records as readonly FunctionStats[];
}

function checkOptions(options: unknown): FormatStatsOptions {
  return checkBooleanOptions('formatStats', options, ['details'] as const);
}

/**
 * stats() as an aligned text table, every line at most 120 columns: a header, a rule, one line per
 * function (times are over the sampled calls; '-' means not measured), then with `{ details: true }`
 * a section per function with everything else. Pass records (from stats(), filtered or sorted) to
 * format only those. A value that is not a stats() record is a TypeError.
 */
export function formatStats(options?: FormatStatsOptions): string;
export function formatStats(records: readonly FunctionStats[], options?: FormatStatsOptions): string;
export function formatStats(recordsOrOptions?: readonly FunctionStats[] | FormatStatsOptions, maybeOptions?: FormatStatsOptions): string {
  const given = Array.isArray(recordsOrOptions);
  if (!given && maybeOptions !== undefined) {
    throw new TypeError(`formatStats: expected an array of stats() records as the first argument, got ${describeValue(recordsOrOptions)}`);
  }
  const records = given ? checkRecords(recordsOrOptions) : stats();
  const options = checkOptions(given ? maybeOptions : recordsOrOptions);
  const out = table(records);
  if (records.length === 0) out.push('(no hinted functions)');
  const dropped = given ? 0 : droppedRecords();
  if (dropped > 0) out.push(`(${dropped} older records dropped; at most ${MAX_RECORDS} are kept)`);
  if (options.details) {
    for (const record of records) out.push('', ...detailLines(record));
  } else if (records.some((s) => s.fallbacks.length > 0 || s.warnings.length > 0 || s.warmup.error !== undefined)) {
    out.push('(reasons, fallbacks and warnings: formatStats({ details: true }))');
  }
  return out.join('\n');
}
