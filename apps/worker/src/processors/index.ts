import type { FinalFailureHooks, ProcessorRegistry } from './types.ts';

export type {
  FinalFailureHook,
  FinalFailureHooks,
  JobContext,
  Processor,
  ProcessorRegistry,
} from './types.ts';

/**
 * The processors shipped with the worker. Empty on purpose: every job in the catalogue today is
 * case handling (assessment, notification, summaries, payment files, sample draws), whose real
 * processors live in packages/core. Add one file per job here (`<job-name>.ts`) that parses the
 * payload, builds a `Ctx` and calls the core use-case, and register it below. Until then boot
 * refuses to start unless WORKER_DISABLED_JOBS lists the missing jobs.
 */
export const defaultProcessors: ProcessorRegistry = {};

export const defaultFinalFailureHooks: FinalFailureHooks = {};
