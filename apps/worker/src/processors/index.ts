import type { CompanionOptions, NotificationChannel } from '@samverkan/core';
import { ROBOT_COMPANIONS_DEFAULT } from '../config.ts';
import { applicationAssessGaveUp, applicationAssessWith } from './application-assess.ts';
import { invoiceRun } from './invoice-run.ts';
import { notificationProcessors } from './notifications.ts';
import { paymentsFile } from './payments-file.ts';
import { sampleDraw } from './sample-draw.ts';
import { summaryDaily } from './summary-daily.ts';
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
 * use-case. The notification jobs need the configured delivery channel; the robot, how many
 * waiting cases a job takes along (ROBOT_COMPANIONS).
 */
export function processorsFor(options: {
  notificationChannel: NotificationChannel | null;
  robotCompanions?: CompanionOptions;
}): ProcessorRegistry {
  return {
    'application.assess': applicationAssessWith(options.robotCompanions ?? ROBOT_COMPANIONS_DEFAULT),
    'payments.file': paymentsFile,
    'invoice.run': invoiceRun,
    'summary.daily': summaryDaily,
    'sample.draw': sampleDraw,
    ...notificationProcessors(options.notificationChannel),
  };
}

/** Every processor, with notifications shown on Mina ärenden only (no push channel). */
export const defaultProcessors: ProcessorRegistry = processorsFor({ notificationChannel: null });

export const defaultFinalFailureHooks: FinalFailureHooks = {
  'application.assess': applicationAssessGaveUp,
};
