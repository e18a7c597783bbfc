// Billing: agreement terms, variable costs, invoice runs, invoices and credit notes.
export * from './billing-math.ts';
export * from './compose.ts';
export * from './cost-follow-up.ts';
export * from './invoice-run.ts';
export * from './issue.ts';
export * from './read.ts';
export * from './schedules.ts';
export * from './settings.ts';
export * from './terms.ts';
