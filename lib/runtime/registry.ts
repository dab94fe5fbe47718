// The records of hinted functions, in hinting order. Records are plain data (they never hold the
// function), so keeping one does not keep its function alive.
//
// Bounding: a hint applied in a loop (a fresh closure per iteration) must not grow memory without
// limit. A record outlives its function on purpose, so that stats() still shows short-lived hinted
// functions, but only while there is room: past MAX_RECORDS, records whose function has been garbage
// collected are dropped first, then the oldest ones. Dropped records are counted (droppedRecords())
// and still receive updates from their function's wrapper; they are just no longer listed. Whatever
// else jitctl keeps per record (a pending manual warm-up) is let go with it (onRecordDropped).

import type { FunctionRecord, Hint } from '../types.js';

/** Records kept before the oldest are dropped. */
export const MAX_RECORDS = 10_000;
// Sweeping runs only once the registry is this far over the cap, so it costs O(1) per hint amortized.
const SWEEP_SLACK = Math.ceil(MAX_RECORDS / 4);

interface Entry {
  record: FunctionRecord;
  /** Set once the function the user holds (the hint's result) has been garbage collected. */
  collected: boolean;
}

// Told when a hinted function is collected. Not a WeakRef per record: a WeakRef keeps its target
// alive until the end of the current job, so a synchronous loop hinting fresh functions would keep
// every one of them until the loop ends.
const collection = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry<number>((id) => {
    const entry = entries.get(id);
    if (entry) entry.collected = true;
  })
  : undefined;

let nextId = 1;
const entries = new Map<number, Entry>();
let dropped = 0;
const dropListeners: Array<(record: FunctionRecord) => void> = [];

/** Calls `listener` with each record the bound drops, so that what is kept for it can go too. */
export function onRecordDropped(listener: (record: FunctionRecord) => void): void {
  dropListeners.push(listener);
}

function drop(id: number, entry: Entry): void {
  entries.delete(id);
  // Each registration holds a cell until its callback has run; a dropped record needs none.
  collection?.unregister(entry);
  dropped++;
  for (const listener of dropListeners) listener(entry.record);
}

function freshRecord(id: number, name: string, hint: Hint): FunctionRecord {
  return {
    id, name, hint,
    tier: 'noop', reason: '', fallbacks: [], warnings: [],
    profiled: false, calls: 0, time: null,
    observedTier: 'unknown', tierChanges: [], deopts: 0, compiles: 0, pinned: false,
    warmup: { state: 'none', when: 'first-call', calls: 0, ms: 0 },
    analysis: null,
    native: null,
  };
}

function enforceBound(): void {
  if (entries.size <= MAX_RECORDS + SWEEP_SLACK) return;
  for (const [id, entry] of entries) {
    if (entry.collected) drop(id, entry);
  }
  for (const [id, entry] of entries) {
    if (entries.size <= MAX_RECORDS) break;
    drop(id, entry);
  }
}

/** A fresh record, tier 'noop' until the router decides; listed by allRecords(). */
export function createRecord(name: string, hint: Hint): FunctionRecord {
  const record = freshRecord(nextId++, name, hint);
  entries.set(record.id, { record, collected: false });
  enforceBound();
  return record;
}

/** Watches (weakly) the function a record belongs to, so that its record can go first once it is collected. */
export function attachFunction(record: FunctionRecord, fn: object): void {
  const entry = entries.get(record.id);
  if (entry) collection?.register(fn, record.id, entry);
}

/** The live records, oldest first. */
export function allRecords(): FunctionRecord[] {
  return Array.from(entries.values(), (entry) => entry.record);
}

/** How many records were dropped to keep the registry bounded. */
export function droppedRecords(): number {
  return dropped;
}
