// Trace containers, the C++ trace builder and the micro-op table of this build.
#include <strings.h>

#include <cstring>

#include "core/errors.h"
#include "core/validate.h"
#include "generated/uops.h"
#include "jitctl/jitctl.h"

namespace jitctl {
namespace {

const char* operandKindName(OperandKind kind) {
  switch (kind) {
    case OperandKind::F64: return "f64";
    case OperandKind::I32: return "i32";
    case OperandKind::U32: return "u32";
    case OperandKind::View: return "view";
    case OperandKind::Label: return "label";
    case OperandKind::ImmI32: return "imm_i32";
    case OperandKind::ImmF64: return "imm_f64";
  }
  return "?";
}

int32_t checkedWord(int64_t v, const char* what) {
  if (v < INT32_MIN || v > UINT32_MAX) fail(ErrorKind::Range, "%s %lld does not fit a 32-bit trace word", what, static_cast<long long>(v));
  return static_cast<int32_t>(static_cast<uint32_t>(v));
}

}  // namespace

// The public header spells the trace format's constants and codes for users; they must be the
// generated ones (tools/stencils/trace-format.mjs and the micro-op table's element kinds).
static_assert(kTraceMagic == kFormatMagic && kTraceVersion == kFormatVersion && kTraceHeaderWords == kFormatHeaderWords,
              "jitctl.h's trace constants differ from the generated ones");
#define JITCTL_TIE(Enum, Name, code) \
  static_assert(static_cast<int32_t>(Enum::Name) == (code), "jitctl.h: " #Enum "::" #Name " is not the generated code");
#define JITCTL_TIE_SLOT(Name, code, text) JITCTL_TIE(SlotType, Name, code)
#define JITCTL_TIE_RETURN(Name, code, text) JITCTL_TIE(ReturnType, Name, code)
#define JITCTL_TIE_VIEW(Name, code, bytes) JITCTL_TIE(ViewKind, Name, code) JITCTL_TIE(ElementKind, Name, code)
JITCTL_SLOT_TYPES(JITCTL_TIE_SLOT)
JITCTL_RETURN_TYPES(JITCTL_TIE_RETURN)
JITCTL_ELEMENT_KINDS(JITCTL_TIE_VIEW)
#undef JITCTL_TIE_VIEW
#undef JITCTL_TIE_RETURN
#undef JITCTL_TIE_SLOT
#undef JITCTL_TIE

const char* viewKindName(ViewKind kind) {
  const unsigned k = static_cast<unsigned>(kind);
  return k < kElementKindCount ? kElementKinds[k].name : "unknown";
}

const char* slotTypeName(SlotType type) {
  for (const TypeCode& t : kSlotTypeCodes)
    if (t.code == static_cast<int32_t>(type)) return t.name;
  return "unknown";
}

size_t viewKindElementSize(ViewKind kind) {
  const unsigned k = static_cast<unsigned>(kind);
  return k < kElementKindCount ? kElementKinds[k].bytes : 0;
}

Trace Trace::fromWords(const int32_t* words, size_t count) {
  checkTraceHeader(words, count);
  return Trace{std::vector<int32_t>(words, words + count)};
}

Trace Trace::fromBytes(const void* bytes, size_t byteLength) {
  if (byteLength % 4) fail(ErrorKind::Trace, "invalid trace: %zu bytes is not a whole number of 32-bit words", byteLength);
  int32_t header[kTraceHeaderWords] = {};
  std::memcpy(header, bytes, byteLength < sizeof header ? byteLength : sizeof header);
  checkTraceHeader(header, byteLength / 4);
  Trace t;
  t.words.resize(byteLength / 4);
  if (byteLength) std::memcpy(t.words.data(), bytes, byteLength);
  return t;
}

std::vector<UopDescription> uopTable() {
  std::vector<UopDescription> table;
  for (uint32_t i = 0; i < kUopCount; ++i) {
    const UopInfo& info = kUopInfo[i];
    UopDescription d{i, info.name, info.operandCount, {nullptr, nullptr, nullptr, nullptr}, info.viewKind, info.pseudo};
    for (uint32_t n = 0; n < info.operandCount && n < 4; ++n) d.operandKinds[n] = operandKindName(info.operands[n]);
    table.push_back(d);
  }
  return table;
}

uint32_t uopByName(const std::string& name) {
  for (uint32_t i = 0; i < kUopCount; ++i)
    if (strcasecmp(kUopInfo[i].name, name.c_str()) == 0) return i;
  fail(ErrorKind::Trace, "unknown micro-op '%s'", name.c_str());
}

uint32_t TraceBuilder::slot(SlotType type) {
  slotTypes_.push_back(static_cast<int32_t>(type));
  return static_cast<uint32_t>(slotTypes_.size() - 1);
}

uint32_t TraceBuilder::view(ViewKind kind) {
  viewKinds_.push_back(static_cast<int32_t>(kind));
  return static_cast<uint32_t>(viewKinds_.size() - 1);
}

void TraceBuilder::param(uint32_t slot) { params_.insert(params_.end(), {0, static_cast<int32_t>(slot)}); }
void TraceBuilder::viewParam(uint32_t view) { params_.insert(params_.end(), {1, static_cast<int32_t>(view)}); }

void TraceBuilder::returns(uint32_t slot) {
  if (slot >= slotTypes_.size()) fail(ErrorKind::Range, "return slot %u has not been declared", slot);
  returnType_ = slotTypes_[slot];
  returnSlot_ = static_cast<int32_t>(slot);
}

uint32_t TraceBuilder::label() { return labels_++; }

TraceBuilder& TraceBuilder::op(uint32_t opcode, const std::vector<int64_t>& operandWords) {
  ops_.push_back(static_cast<int32_t>(opcode));
  for (int64_t w : operandWords) ops_.push_back(checkedWord(w, "operand"));
  return *this;
}

TraceBuilder& TraceBuilder::op(const std::string& name, std::initializer_list<int64_t> operands) {
  return op(uopByName(name), std::vector<int64_t>(operands));
}

TraceBuilder& TraceBuilder::opWithF64(const std::string& name, std::initializer_list<int64_t> operands, double imm) {
  std::vector<int64_t> words(operands);
  uint64_t bits;
  std::memcpy(&bits, &imm, 8);
  words.push_back(static_cast<int64_t>(bits & 0xffffffffu));
  words.push_back(static_cast<int64_t>(bits >> 32));
  return op(uopByName(name), words);
}

Trace TraceBuilder::build() const {
  Trace t;
  t.words = {static_cast<int32_t>(kTraceMagic),
             static_cast<int32_t>(kTraceVersion),
             static_cast<int32_t>(slotTypes_.size()),
             static_cast<int32_t>(viewKinds_.size()),
             static_cast<int32_t>(params_.size() / 2),
             returnType_,
             returnSlot_,
             static_cast<int32_t>(ops_.size())};
  for (const auto* part : {&slotTypes_, &viewKinds_, &params_, &ops_}) t.words.insert(t.words.end(), part->begin(), part->end());
  return t;
}

}  // namespace jitctl
