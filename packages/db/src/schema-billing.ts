/**
 * Row types of the platform schema's billing tables (agreement billing terms, variable costs,
 * invoices). Kept apart from schema.ts so the billing capability owns its tables.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the billing migration's tables
export interface BillingTables {}
