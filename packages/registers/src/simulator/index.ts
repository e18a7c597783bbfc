export { CHILD_ALLOWANCE_ORE, EMPLOYERS, largeFamilySupplementOre } from './catalog.ts';
export { DEMO_CITIZENS } from './demo-citizens.ts';
export { buildRegisterResponse, generatePopulation, generateProfile } from './generate.ts';
export { buildPersonnummer } from './personnummer.ts';
export { type RegisterSimulator, type RegisterSimulatorOptions, startRegisterSimulator } from './server.ts';
export {
  type Archetype,
  type SerialTrigger,
  SIMULATOR_TRIGGERS,
  type TriggerEffect,
  triggerFor,
} from './triggers.ts';
