export type { RegisterEndpoint, RegisterGateway } from './gateway.ts';
export { createHttpRegisterGateway, type HttpRegisterGatewayOptions } from './http-client.ts';
export {
  FK_BENEFIT_TYPES,
  PENSION_TYPES,
  PERMIT_TYPES,
  personFixtureSchema,
  populationRecordSchema,
  REGISTER_SOURCES,
  registerRequestSchema,
  registerResponseSchema,
  SIMULATOR_BEHAVIOURS,
  sourceResultSchema,
} from './schemas.ts';
export { type CaseFacts, defaultPeriods, sourcesFor } from './select-sources.ts';
export * from './simulator/index.ts';
export type * from './types.ts';
