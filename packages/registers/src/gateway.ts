import type { PopulationRecord, RegisterRequest, RegisterResponse } from './types.ts';

/**
 * The platform's only way to reach the population register and SSBTEK.
 *
 * Errors:
 * - `DomainError('register_unavailable', …, { source, status?, attempts, requestId })` when the
 *   register times out, answers 5xx after the configured retries, or answers something that does
 *   not validate (a malformed answer is an error, not data).
 * - `DomainError('invalid_personnummer' | 'validation_failed', …)` when the register rejects the
 *   request (HTTP 400).
 * - `lookupPerson` resolves `null` for a person the register does not know (HTTP 404).
 */
export interface RegisterGateway {
  lookupPerson(personnummer: string): Promise<PopulationRecord | null>;
  fetch(request: RegisterRequest): Promise<RegisterResponse>;
}

/** Which endpoint a `register_unavailable` error came from (`details.source`). */
export type RegisterEndpoint = 'folkbokforing' | 'ssbtek';
