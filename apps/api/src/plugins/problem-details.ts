import type { DomainErrorCode } from '@samverkan/domain';
import { isDomainError } from '@samverkan/domain';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** The one table from error code to HTTP status and title (RFC 9457 problem details). */
const PROBLEMS: Record<
  | DomainErrorCode
  | 'route_not_found'
  | 'internal_error'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'malformed_json',
  { status: number; title: string }
> = {
  validation_failed: { status: 400, title: 'Ogiltig begäran' },
  malformed_json: { status: 400, title: 'Felaktig JSON' },
  invalid_personnummer: { status: 400, title: 'Ogiltigt personnummer' },
  invalid_organisation_number: { status: 400, title: 'Ogiltigt organisationsnummer' },
  invalid_municipality_code: { status: 400, title: 'Ogiltig kommunkod' },
  norm_invalid: { status: 400, title: 'Ogiltig norm' },
  guidelines_invalid: { status: 400, title: 'Ogiltiga riktlinjer' },
  delegation_invalid: { status: 400, title: 'Ogiltig delegation' },
  unauthenticated: { status: 401, title: 'Inloggning krävs' },
  forbidden: { status: 403, title: 'Åtkomst nekad' },
  municipality_not_active: { status: 403, title: 'Kommunen är inte aktiv' },
  delegation_denied: { status: 403, title: 'Delegation saknas' },
  not_resident: { status: 403, title: 'Inte folkbokförd i kommunen' },
  municipality_not_found: { status: 404, title: 'Kommunen finns inte' },
  not_found: { status: 404, title: 'Hittades inte' },
  application_not_found: { status: 404, title: 'Ansökan finns inte' },
  route_not_found: { status: 404, title: 'Resursen finns inte' },
  conflict: { status: 409, title: 'Konflikt' },
  municipality_exists: { status: 409, title: 'Kommunen finns redan' },
  application_duplicate: { status: 409, title: 'Ansökan finns redan' },
  decision_exists: { status: 409, title: 'Beslut finns redan' },
  invalid_state: { status: 409, title: 'Åtgärden är inte möjlig i ärendets läge' },
  slot_unavailable: { status: 409, title: 'Tiden är inte längre ledig' },
  import_target_not_empty: { status: 409, title: 'Målet är inte tomt' },
  payload_too_large: { status: 413, title: 'För stor begäran' },
  unsupported_media_type: { status: 415, title: 'Innehållstypen stöds inte' },
  application_incomplete: { status: 422, title: 'Ansökan är inte komplett' },
  intake_meeting_required: { status: 422, title: 'Nysamtal måste bokas' },
  calculation_failed: { status: 422, title: 'Beräkningen kunde inte göras' },
  register_unavailable: { status: 503, title: 'Registret svarar inte' },
  internal_error: { status: 500, title: 'Internt fel' },
};
export type ProblemCode = keyof typeof PROBLEMS;
export const PROBLEM_CODES = Object.keys(PROBLEMS) as ProblemCode[];

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance: string;
  code: string;
  requestId: string;
  errors?: { pointer: string; detail: string }[];
}

export function problemFor(
  request: FastifyRequest,
  code: ProblemCode,
  detail?: string,
  errors?: ProblemBody['errors'],
): ProblemBody {
  const { status, title } = PROBLEMS[code];
  return {
    type: `/problems/${code.replaceAll('_', '-')}`,
    title,
    status,
    ...(detail ? { detail } : {}),
    instance: request.url.split('?')[0] ?? request.url,
    code,
    requestId: request.id,
    ...(errors?.length ? { errors } : {}),
  };
}

export function sendProblem(reply: FastifyReply, problem: ProblemBody): FastifyReply {
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

/** ajv's instancePath is already a JSON Pointer relative to the validated part. */
function validationErrors(error: FastifyError): ProblemBody['errors'] {
  const part = error.validationContext ?? 'body';
  return (error.validation ?? []).map((v) => {
    const missing =
      v.keyword === 'required'
        ? `/${String((v.params as { missingProperty?: string }).missingProperty)}`
        : '';
    const extra =
      v.keyword === 'additionalProperties'
        ? `/${String((v.params as { additionalProperty?: string }).additionalProperty)}`
        : '';
    const detail = extra ? 'okänt fält' : missing ? 'fältet saknas' : (v.message ?? 'ogiltigt värde');
    return { pointer: `/${part}${v.instancePath}${missing}${extra}`, detail };
  });
}

export const problemDetails = fp(
  async (app: FastifyInstance) => {
    app.setNotFoundHandler((request, reply) => {
      sendProblem(
        reply,
        problemFor(request, 'route_not_found', `${request.method} ${request.url.split('?')[0]}`),
      );
    });

    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (isDomainError(error)) {
        const issues = (error.details?.issues as { path: string; message: string }[] | undefined) ?? [];
        const errors = issues.map((i) => ({
          pointer: `/body/${i.path.replaceAll('.', '/')}`,
          detail: i.message,
        }));
        const problem = problemFor(request, error.code, error.message, errors);
        request.log.info({ code: error.code, status: problem.status }, 'request refused');
        return sendProblem(reply, problem);
      }
      // The database's last line of defence against deciding a withdrawn application.
      if ((error as { constraint?: string }).constraint === 'decisions_application_not_withdrawn') {
        return sendProblem(
          reply,
          problemFor(request, 'invalid_state', 'Ansökan är återkallad och kan inte få ett beslut.'),
        );
      }
      if (error.validation) {
        request.log.info({ validation: error.validation }, 'validation failed');
        return sendProblem(
          reply,
          problemFor(
            request,
            'validation_failed',
            'Begäran följer inte API-kontraktet.',
            validationErrors(error),
          ),
        );
      }
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
        return sendProblem(reply, problemFor(request, 'payload_too_large'));
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
        return sendProblem(reply, problemFor(request, 'unsupported_media_type', 'Skicka application/json.'));
      }
      // @fastify/jwt wraps most token failures (FST_JWT_*); fast-jwt's own TokenError (e.g. an HS256
      // token offered to an RS256 verifier) arrives unwrapped as FAST_JWT_*.
      if (
        error.code?.startsWith('FST_JWT_') ||
        error.code?.startsWith('FAST_JWT_') ||
        error.code === 'FST_ERR_JWT'
      ) {
        request.log.info({ code: error.code }, 'token refused');
        return sendProblem(reply, problemFor(request, 'unauthenticated', 'Giltig inloggning krävs.'));
      }
      if (
        error.statusCode === 400 &&
        (error instanceof SyntaxError ||
          error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
          error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
      ) {
        return sendProblem(reply, problemFor(request, 'malformed_json', 'Begärans JSON kunde inte tolkas.'));
      }
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
        const problem = problemFor(request, 'validation_failed', error.message);
        return sendProblem(reply, { ...problem, status: error.statusCode });
      }
      request.log.error({ err: error }, 'unhandled error');
      return sendProblem(
        reply,
        problemFor(
          request,
          'internal_error',
          'Ett oväntat fel inträffade. Ange request-id vid kontakt med support.',
        ),
      );
    });
  },
  { name: 'problem-details' },
);
