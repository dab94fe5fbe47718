// Reads the parts of an ELF64 little-endian relocatable object (what clang -c writes) that the
// stencil model needs: sections, symbols and RELA relocations. Nothing else is interpreted.

const SHT_SYMTAB = 2;
const SHT_RELA = 4;
const SHT_REL = 9;
export const SHF_WRITE = 0x1;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;
export const SHN_UNDEF = 0;
const SHN_LORESERVE = 0xff00;
export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;

function cString(bytes, offset) {
  let end = offset;
  while (bytes[end] !== 0) end++;
  return Buffer.from(bytes.buffer, bytes.byteOffset + offset, end - offset).toString('latin1');
}

export function readElf(file, bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (why) => { throw new Error(`${file}: ${why}`); };
  if (view.getUint32(0, false) !== 0x7f454c46) fail('not an ELF file');
  if (bytes[4] !== 2 || bytes[5] !== 1) fail('not ELF64 little-endian');
  if (view.getUint16(16, true) !== 1) fail('not a relocatable object (ET_REL)');
  const machine = view.getUint16(18, true);
  const shoff = Number(view.getBigUint64(40, true));
  const shentsize = view.getUint16(58, true);
  const shnum = view.getUint16(60, true);
  const shstrndx = view.getUint16(62, true);

  const sections = [];
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shentsize;
    sections.push({
      index: i,
      nameOffset: view.getUint32(at, true),
      type: view.getUint32(at + 4, true),
      flags: Number(view.getBigUint64(at + 8, true)),
      offset: Number(view.getBigUint64(at + 24, true)),
      size: Number(view.getBigUint64(at + 32, true)),
      link: view.getUint32(at + 40, true),
      info: view.getUint32(at + 44, true),
      align: Number(view.getBigUint64(at + 48, true)) || 1,
      entsize: Number(view.getBigUint64(at + 56, true)),
    });
  }
  const names = sections[shstrndx];
  for (const section of sections) {
    section.name = cString(bytes, names.offset + section.nameOffset);
    // SHT_NOBITS (.bss) has no bytes in the file; it is rejected later as writable data.
    section.bytes = section.type === 8 ? new Uint8Array(section.size)
      : bytes.subarray(section.offset, section.offset + section.size);
    section.relocations = [];
  }

  const symtab = sections.find((s) => s.type === SHT_SYMTAB);
  if (!symtab) fail('no symbol table');
  const strtab = sections[symtab.link];
  const symbols = [];
  for (let at = symtab.offset; at < symtab.offset + symtab.size; at += 24) {
    const info = bytes[at + 4];
    const shndx = view.getUint16(at + 6, true);
    const sym = {
      name: cString(bytes, strtab.offset + view.getUint32(at, true)),
      type: info & 0xf,  // 3 = STT_SECTION
      bind: info >> 4,
      shndx,
      section: shndx !== SHN_UNDEF && shndx < SHN_LORESERVE ? sections[shndx] : null,
      value: Number(view.getBigUint64(at + 8, true)),
      size: Number(view.getBigUint64(at + 16, true)),
    };
    if (sym.type === 3 && sym.section) sym.name = sym.section.name;
    symbols.push(sym);
  }

  for (const rela of sections) {
    if (rela.type === SHT_REL) fail(`REL section ${rela.name} (only RELA is supported)`);
    if (rela.type !== SHT_RELA) continue;
    const target = sections[rela.info];
    for (let at = rela.offset; at < rela.offset + rela.size; at += 24) {
      const info = view.getBigUint64(at + 8, true);
      target.relocations.push({
        offset: Number(view.getBigUint64(at, true)),
        type: Number(info & 0xffffffffn),
        symbol: symbols[Number(info >> 32n)],
        addend: Number(view.getBigInt64(at + 16, true)),
      });
    }
  }
  return { file, machine, sections, symbols };
}
