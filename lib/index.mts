// The ESM entry re-exports the CommonJS build, so that `import` and `require` share one module
// instance: one registry, one configuration, one router detection.

import jitctl from './index.js';

export const { jitFocus, jitIgnore, jitOnce, warmup, warmupAsync, stats, formatStats, configure, explain, formatExplain } = jitctl;

export type {
  Config, ExplainedUop, ExplainOptions, ExplainReport, FlatFunctionStats, NativeDecline, NativeRecord, OptionsArgument, FormatStatsOptions, FunctionStats, Hint, HintMethodDecorator, HintOptions, JitHint, JitOnceOptions, Mode, OptionsOf, ObservedTier, SourceAnalysis,
  SourceFinding, Tier, StatsOptions, TierChange, TierChoice, WarmupAsyncOptions, WarmupOptions, WarmupPendingEntry, WarmupProgress, WarmupReport, WarmupReportEntry,
  WarmupResult, WarmupWhen,
} from './index.js';
