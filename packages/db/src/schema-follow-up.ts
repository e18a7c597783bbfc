/**
 * Row types of the tenant schema's follow-up tables (statistics inputs, official reporting,
 * retention). Kept apart from schema.ts so the follow-up capability owns its tables.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by the follow-up migration's tables
export interface FollowUpTables {}
