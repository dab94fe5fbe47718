// Stage 2: the model of a stencil. Turns one compiled object into { code, data } parts with
// holes, in the vocabulary of native/core/stencil.h. Every relocation is either understood here
// or generation fails: nothing is silently skipped.

import { EM_AARCH64, EM_X86_64, SHF_ALLOC, SHF_EXECINSTR, SHN_UNDEF } from './elf.mjs';

const X86_64_RELOCS = {
  1: 'X86_64_64', 2: 'X86_64_PC32', 4: 'X86_64_PLT32', 9: 'X86_64_GOTPCREL', 10: 'X86_64_32',
  11: 'X86_64_32S', 41: 'X86_64_GOTPCRELX', 42: 'X86_64_REX_GOTPCRELX',
};
const AARCH64_RELOCS = {
  257: 'AARCH64_ABS64', 263: 'AARCH64_MOVW_UABS_G0', 264: 'AARCH64_MOVW_UABS_G0_NC',
  265: 'AARCH64_MOVW_UABS_G1', 266: 'AARCH64_MOVW_UABS_G1_NC', 267: 'AARCH64_MOVW_UABS_G2',
  268: 'AARCH64_MOVW_UABS_G2_NC', 269: 'AARCH64_MOVW_UABS_G3', 275: 'AARCH64_ADR_PREL_PG_HI21',
  277: 'AARCH64_ADD_ABS_LO12_NC', 278: 'AARCH64_LDST8_ABS_LO12_NC', 279: 'AARCH64_TSTBR14',
  280: 'AARCH64_CONDBR19', 282: 'AARCH64_JUMP26', 283: 'AARCH64_CALL26',
  284: 'AARCH64_LDST16_ABS_LO12_NC', 285: 'AARCH64_LDST32_ABS_LO12_NC',
  286: 'AARCH64_LDST64_ABS_LO12_NC', 299: 'AARCH64_LDST128_ABS_LO12_NC',
  311: 'AARCH64_ADR_GOT_PAGE', 312: 'AARCH64_LD64_GOT_LO12_NC',
};

// GOT-relative kinds are resolved here: each referenced symbol gets an 8-byte slot in the
// stencil's data (with an absolute 64-bit hole), and the code reference becomes PC-relative to
// that slot. The runtime then never has to build a GOT.
const GOT_REWRITES = {
  X86_64_GOTPCREL: 'X86_64_PC32',
  X86_64_GOTPCRELX: 'X86_64_PC32',
  X86_64_REX_GOTPCRELX: 'X86_64_PC32',
  AARCH64_ADR_GOT_PAGE: 'AARCH64_ADR_PREL_PG_HI21',
  AARCH64_LD64_GOT_LO12_NC: 'AARCH64_LDST64_ABS_LO12_NC',
};

const NARROW_ABSOLUTE = ['X86_64_32', 'X86_64_32S'];
const ABS64 = { x86_64: 'X86_64_64', aarch64: 'AARCH64_ABS64' };
const MACHINE = { x86_64: EM_X86_64, aarch64: EM_AARCH64 };

function alignUp(value, align) {
  return Math.ceil(value / align) * align;
}

// A stencil's out-of-line code (JIT_COLD in templates/prelude.h): placed in its data part, which
// the kernel's block maps executable like its code.
function isColdCode(section) {
  return section.name === '.text.jit_cold';
}

function isReadOnlyData(section) {
  return /^\.rodata(\.|$)/.test(section.name) || /^\.data\.rel\.ro(\.|$)/.test(section.name);
}

// `externs` is the target's shared name table (name -> index is appended to as met).
export function buildStencil(object, target, uop, externs, allowedExterns) {
  const where = `${uop.name} (${target})`;
  const fail = (why) => { throw new Error(`${where}: ${why}`); };
  if (object.machine !== MACHINE[target]) fail(`object is for machine ${object.machine}`);
  const relocNames = target === 'x86_64' ? X86_64_RELOCS : AARCH64_RELOCS;

  const entry = object.symbols.find((s) => s.name === '_JIT_ENTRY' && s.section);
  if (!entry) fail('no _JIT_ENTRY function');
  if (entry.value !== 0) fail('_JIT_ENTRY does not start its section');

  // Collect the sections the entry reaches through relocations: code first, then data.
  const code = [entry.section];
  const data = [];
  for (let i = 0; i < code.length + data.length; i++) {
    const section = i < code.length ? code[i] : data[i - code.length];
    for (const reloc of section.relocations) {
      const target = reloc.symbol.section;
      if (!target || code.includes(target) || data.includes(target)) continue;
      if (!(target.flags & SHF_ALLOC)) fail(`reference to non-allocated section ${target.name}`);
      if (target.flags & SHF_EXECINSTR) (isColdCode(target) ? data : code).push(target);
      else if (isReadOnlyData(target)) data.push(target);
      else fail(`reference to writable or unknown section ${target.name} (stencils must not keep state)`);
    }
  }
  const place = new Map();
  const layout = (sections, fill) => {
    let size = 0;
    let align = 1;
    for (const section of sections) {
      size = alignUp(size, section.align);
      align = Math.max(align, section.align);
      place.set(section, size);
      size += section.size;
    }
    const bytes = new Uint8Array(size).fill(fill);
    for (const section of sections) bytes.set(section.bytes, place.get(section));
    return { bytes, align, size };
  };
  const codeLayout = layout(code, target === 'x86_64' ? 0xcc : 0);
  const dataLayout = layout(data, 0);

  const gotSlots = new Map();
  const gotHoles = [];
  const gotBase = alignUp(dataLayout.size, 8);
  const gotSlot = (value) => {
    const key = `${value.value}:${value.index}:${value.addend}`;
    if (!gotSlots.has(key)) {
      const offset = gotBase + 8 * gotSlots.size;
      gotSlots.set(key, offset);
      gotHoles.push({ offset, kind: ABS64[target], ...value });
    }
    return gotSlots.get(key);
  };

  // What a relocation's symbol stands for, as HoleValue + index + addend.
  const resolve = (reloc) => {
    const sym = reloc.symbol;
    if (sym.section) {
      if (place.has(sym.section)) {
        const isCode = code.includes(sym.section);
        return { value: isCode ? 'Code' : 'Data', index: 0, addend: place.get(sym.section) + sym.value + reloc.addend };
      }
      fail(`reference to unplaced section ${sym.section.name}`);
    }
    if (sym.shndx !== SHN_UNDEF) fail(`symbol ${sym.name} in special section ${sym.shndx}`);
    if (sym.name === '_JIT_CONTINUE') return { value: 'Continue', index: 0, addend: reloc.addend };
    if (sym.name === '_JIT_TARGET') {
      if (!uop.operands.some((o) => o.kind === 'Label')) fail('branches to _JIT_TARGET but has no Label operand');
      return { value: 'Target', index: 0, addend: reloc.addend };
    }
    const operand = /^_JIT_OPERAND(\d)$/.exec(sym.name);
    if (operand) {
      const index = Number(operand[1]);
      const derived = uop.derived?.index === index;
      if (!derived && (index >= uop.operands.length || uop.operands[index].kind === 'Label')) fail(`uses ${sym.name}, which it does not have`);
      return { value: 'Operand', index, addend: reloc.addend };
    }
    if (!allowedExterns.includes(sym.name)) fail(`unknown external symbol ${sym.name}`);
    if (!externs.includes(sym.name)) externs.push(sym.name);
    return { value: 'Extern', index: externs.indexOf(sym.name), addend: reloc.addend };
  };

  const holesOf = (sections) => {
    const holes = [];
    for (const section of sections) {
      for (const reloc of section.relocations) {
        let kind = relocNames[reloc.type];
        if (!kind) fail(`unsupported relocation type ${reloc.type} against ${reloc.symbol.name} in ${section.name}`);
        const offset = place.get(section) + reloc.offset;
        let value = resolve(reloc);
        if (GOT_REWRITES[kind]) {
          // The GOT entry holds the symbol's value; the code addresses the entry instead.
          const slot = gotSlot({ ...value, addend: 0 });
          const extra = kind.startsWith('X86_64') ? reloc.addend : 0;
          if (!kind.startsWith('X86_64') && reloc.addend !== 0) fail(`GOT relocation with addend ${reloc.addend}`);
          value = { value: 'Data', index: 0, addend: slot + extra };
          kind = GOT_REWRITES[kind];
        }
        holes.push({ offset, kind, ...value });
      }
    }
    return holes;
  };
  const codeHoles = holesOf(code);
  const dataHoles = [...holesOf(data), ...gotHoles];
  let codeBytes = codeLayout.bytes;
  const dataSize = gotSlots.size ? gotBase + 8 * gotSlots.size : dataLayout.size;
  const dataBytes = new Uint8Array(dataSize);
  dataBytes.set(dataLayout.bytes);

  for (const hole of [...codeHoles, ...dataHoles]) {
    checkOperandHole(hole, uop, target, fail);
    if ((hole.value === 'Code' || hole.value === 'Data') && NARROW_ABSOLUTE.includes(hole.kind)) {
      // The small code model assumes the program sits in the low 2 GiB; JIT memory does not.
      fail(`absolute 32-bit reference to its own ${hole.value.toLowerCase()} (${hole.kind}); rewrite the template (e.g. avoid a select between two constants)`);
    }
  }

  codeBytes = dropTrailingContinue(codeBytes, codeHoles, target);
  return {
    code: { bytes: codeBytes, holes: sortHoles(codeHoles) },
    data: { bytes: dataBytes, holes: sortHoles(dataHoles) },
    dataAlign: Math.max(dataLayout.align, gotSlots.size ? 8 : 1),
  };
}

function sortHoles(holes) {
  return holes.sort((a, b) => a.offset - b.offset);
}

// Operand values have a declared width; a relocation that cannot carry it is a template bug.
function checkOperandHole(hole, uop, target, fail) {
  if (hole.value !== 'Operand') return;
  // A derived operand (uops.mjs) is a 64-bit immediate.
  const kind = uop.derived?.index === hole.index ? 'ImmF64' : uop.operands[hole.index].kind;
  if (kind === 'ImmF64' && hole.kind !== ABS64[target]) {
    fail(`64-bit immediate operand ${hole.index} reaches a ${hole.kind} relocation (would truncate)`);
  }
  if (kind === 'ImmI32' && hole.kind === 'X86_64_32') {
    // `movl $imm32`: only the low 32 bits are used, so the sign-extended operand value is
    // written under the int32 range check (R_X86_64_32 would reject negative values).
    hole.kind = 'X86_64_32S';
  }
}

// Stencils fall through to the next one: a final jump to _JIT_CONTINUE is removed. A branch
// inside the stencil to that jump then lands on the next stencil, which is what it did before.
function dropTrailingContinue(bytes, holes, target) {
  const last = holes.find((h) => h.value === 'Continue' && h.offset === bytes.length - 4);
  if (!last) return bytes;
  let start;
  if (target === 'x86_64' && bytes[bytes.length - 5] === 0xe9 && last.addend === -4
      && (last.kind === 'X86_64_PLT32' || last.kind === 'X86_64_PC32')) {
    start = bytes.length - 5;
  } else if (target === 'aarch64' && last.kind === 'AARCH64_JUMP26'
      && (new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 4, true) & 0xfc000000) === 0x14000000) {
    start = bytes.length - 4;
  } else {
    return bytes;
  }
  holes.splice(holes.indexOf(last), 1);
  return bytes.subarray(0, start);
}
