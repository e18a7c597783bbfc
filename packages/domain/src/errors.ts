/**
 * The one error type the domain and core layers throw. `code` is a stable, snake_case
 * string (part of the public API once released); HTTP status lives in the API's
 * problem-details table, never here.
 */
export type DomainErrorCode =
  | 'validation_failed'
  | 'invalid_personnummer'
  | 'invalid_organisation_number'
  | 'invalid_municipality_code'
  | 'unauthenticated'
  | 'forbidden'
  | 'municipality_not_found'
  | 'municipality_exists'
  | 'municipality_not_active'
  | 'not_found'
  | 'conflict'
  | 'norm_invalid'
  | 'guidelines_invalid'
  | 'delegation_invalid'
  | 'delegation_denied'
  | 'application_incomplete'
  | 'application_duplicate'
  | 'application_not_found'
  | 'intake_meeting_required'
  | 'slot_unavailable'
  | 'not_resident'
  | 'decision_exists'
  | 'invalid_state'
  | 'calculation_failed'
  | 'register_unavailable'
  | 'import_target_not_empty';

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
