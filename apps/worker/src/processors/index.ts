import { applicationAssess, applicationAssessGaveUp } from './application-assess.ts';
import { paymentsFile } from './payments-file.ts';
import type { FinalFailureHooks, ProcessorRegistry } from './types.ts';

export type {
  FinalFailureHook,
  FinalFailureHooks,
  JobContext,
  Processor,
  ProcessorRegistry,
} from './types.ts';

/**
 * The processors shipped with the worker: one file per job, each a thin adapter to a core
 * use-case. `decision.notify`, `summary.daily` and `sample.draw` have no processor yet (see
 * docs/capabilities/case-handling.md, "Not yet built"); they are disabled by default in config,
 * so such a job is parked, never failed or lost.
 */
export const defaultProcessors: ProcessorRegistry = {
  'application.assess': applicationAssess,
  'payments.file': paymentsFile,
};

export const defaultFinalFailureHooks: FinalFailureHooks = {
  'application.assess': applicationAssessGaveUp,
};
