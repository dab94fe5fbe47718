// The trace format's constants (docs/trace-format.md): the ONE place they are written down.
// write.mjs puts them into native/generated/uops.h (C++; the public jitctl.h is tied to them by
// static_asserts in native/core/trace.cc) and lib/compiler/trace/uops.ts (TypeScript). The view
// (element) kinds are ELEMENT_KINDS of the micro-op table: the code of a kind is its position.

export const TRACE_FORMAT = {
  magic: 0x3143544a, // 'JTC1' as little-endian bytes
  version: 1,
  headerWords: 8,
};

// The code of a slot in the trace's slot list; `name` is the C++ enumerator, `ts` the TypeScript
// spelling (and the name errors use).
export const SLOT_TYPES = [
  { name: 'F64', ts: 'f64', code: 1 },
  { name: 'I32', ts: 'i32', code: 2 },
  { name: 'U32', ts: 'u32', code: 3 },
];

// The header's return type: void, or the type of the return slot (the same codes as SLOT_TYPES).
export const RETURN_TYPES = [{ name: 'Void', ts: 'void', code: 0 }, ...SLOT_TYPES];
