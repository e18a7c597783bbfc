import type { ActivityReportPattern, SimulatorBehaviour } from '../types.ts';

/** Income archetypes the generator can be forced into. */
export type Archetype =
  | 'none'
  | 'wage'
  | 'hourly_wage'
  | 'akassa'
  | 'sick'
  | 'student'
  | 'activity_support'
  | 'parental'
  | 'pension';

export interface TriggerEffect {
  /** How the simulator answers on the wire. */
  behaviour?: SimulatorBehaviour;
  /** Not in the population register (404 from /population; SSBTEK answers with empty registers). */
  notFound?: boolean;
  protectedIdentity?: boolean;
  deceased?: boolean;
  /** Folkbokförd in a municipality outside `defaultMunicipalityCodes`. */
  otherMunicipality?: boolean;
  activityReports?: ActivityReportPattern;
  archetype?: Archetype;
  children?: number;
  vehicle?: boolean;
  nonCitizen?: boolean;
}

export interface SerialTrigger {
  /** The three serial digits NNN of YYYYMMDD-NNNC. */
  serial: string;
  effect: TriggerEffect;
  /** Swedish, for the README table and demo tooling. */
  description: string;
}

/**
 * Special behaviours chosen by the serial digits, so tests and demos can trigger them with any
 * birth date. Serials below 900 are ordinary generated persons. Fixtures (setPerson, DEMO_CITIZENS)
 * bypass this table.
 */
export const SIMULATOR_TRIGGERS: readonly SerialTrigger[] = [
  { serial: '900', effect: { notFound: true }, description: 'Finns inte i folkbokföringen (404)' },
  {
    serial: '901',
    effect: { protectedIdentity: true },
    description: 'Skyddad folkbokföring (protectedIdentity, ingen adress)',
  },
  { serial: '902', effect: { deceased: true }, description: 'Avliden' },
  {
    serial: '903',
    effect: { otherMunicipality: true },
    description: 'Folkbokförd i en annan kommun än defaultMunicipalityCodes',
  },
  {
    serial: '910',
    effect: { behaviour: 'slow' },
    description: 'Långsamt svar (slowResponseMs, standard 30 s > klientens timeout)',
  },
  { serial: '911', effect: { behaviour: 'unavailable' }, description: 'Alltid HTTP 503' },
  {
    serial: '912',
    effect: { behaviour: 'intermittent' },
    description: 'HTTP 503 de första N försöken per x-request-id (standard 2), sedan svar',
  },
  {
    serial: '913',
    effect: { behaviour: 'partial' },
    description: 'Delsvar: CSN och a-kassan svarar inte (listas i unavailable)',
  },
  {
    serial: '914',
    effect: { behaviour: 'malformed' },
    description: 'HTTP 200 med felaktigt formaterat svar',
  },
  {
    serial: '920',
    effect: { activityReports: 'not_filed_latest', archetype: 'none' },
    description: 'Inskriven på Arbetsförmedlingen, aktivitetsrapport 501 (ej inlämnad) senaste månaden',
  },
  {
    serial: '921',
    effect: { activityReports: 'technical_error_latest', archetype: 'none' },
    description: 'Aktivitetsrapport 502 (tekniskt fel) senaste månaden',
  },
  { serial: '930', effect: { archetype: 'wage' }, description: 'Heltidslön' },
  { serial: '931', effect: { archetype: 'hourly_wage' }, description: 'Timlön som varierar per månad' },
  { serial: '932', effect: { archetype: 'akassa' }, description: 'Ersättning från a-kassa' },
  {
    serial: '933',
    effect: { archetype: 'none', children: 0, vehicle: false, nonCitizen: false },
    description: 'Ingen inkomst alls (inga barn, inget fordon)',
  },
  { serial: '934', effect: { archetype: 'sick' }, description: 'Sjukpenning eller sjukersättning' },
  { serial: '935', effect: { archetype: 'student' }, description: 'Studiemedel från CSN' },
  {
    serial: '936',
    effect: { archetype: 'none', children: 3 },
    description: 'Tre barn: barnbidrag, flerbarnstillägg, ofta bostadsbidrag',
  },
  { serial: '937', effect: { archetype: 'pension' }, description: 'Pension' },
  { serial: '938', effect: { vehicle: true }, description: 'Äger ett fordon' },
  { serial: '939', effect: { nonCitizen: true }, description: 'Utländsk medborgare med uppehållstillstånd' },
];

const BY_SERIAL: ReadonlyMap<string, TriggerEffect> = new Map(
  SIMULATOR_TRIGGERS.map((t) => [t.serial, t.effect]),
);

/** The trigger for a 12-digit personnummer (serial digits 9–11), or an empty effect. */
export function triggerFor(personnummer: string): TriggerEffect {
  return BY_SERIAL.get(personnummer.slice(8, 11)) ?? {};
}
