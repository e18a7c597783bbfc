import { MUNICIPALITY_CODE_PATTERN } from '@samverkan/domain';
import { describe, expect, it } from 'vitest';
import {
  InvalidJobPayloadError,
  JOB_CATALOGUE,
  JOB_MUNICIPALITY_CODE_PATTERN,
  JOB_NAMES,
  jobIdFor,
  jobRetryOptions,
  outboxMessage,
  parsePayload,
} from './catalogue.ts';
import { QUEUE_NAMES } from './queues.ts';

const applicationId = '0b7c1f3e-5a2d-4c8e-9f10-2a3b4c5d6e7f';

describe('job catalogue', () => {
  it('names every job <noun>.<verb> and puts it on a known queue', () => {
    for (const name of JOB_NAMES) {
      expect(name).toMatch(/^[a-z]+\.[a-z]+$/);
      expect(QUEUE_NAMES).toContain(JOB_CATALOGUE[name].queue);
      expect(jobRetryOptions(name).attempts).toBeGreaterThan(1);
    }
  });

  it('uses the same municipality code rule as the domain', () => {
    expect(JOB_MUNICIPALITY_CODE_PATTERN.source).toBe(MUNICIPALITY_CODE_PATTERN.source);
  });

  it('derives deterministic job ids from the business key', () => {
    const a = outboxMessage('application.assess', { municipalityCode: '1263', applicationId });
    const b = outboxMessage('application.assess', { municipalityCode: '1263', applicationId });
    expect(a).toEqual(b);
    expect(a).toEqual({
      municipalityCode: '1263',
      queue: 'robot',
      jobName: 'application.assess',
      jobId: `application.assess_1263_${applicationId}`,
      payload: { municipalityCode: '1263', applicationId },
    });
    expect(a.jobId).not.toContain(':');
    expect(jobIdFor('summary.daily', { municipalityCode: '1287', date: '2026-03-02' })).toBe(
      'summary.daily_1287_2026-03-02',
    );
    // Another tenant, same id → another job.
    expect(outboxMessage('application.assess', { municipalityCode: '1287', applicationId }).jobId).not.toBe(
      a.jobId,
    );
  });

  it('refuses a payload with extra (personal) fields', () => {
    const payload = { municipalityCode: '1263', applicationId, personnummer: '198112189876' };
    expect(() =>
      outboxMessage('application.assess', {
        municipalityCode: '1263',
        applicationId,
        // @ts-expect-error personnummer is not part of the payload
        personnummer: '198112189876',
      }),
    ).toThrow(InvalidJobPayloadError);
    expect(() => parsePayload('application.assess', payload)).toThrow(/Unrecognized key/);
    // The message names the field but never echoes the value.
    expect(() => parsePayload('application.assess', payload)).not.toThrow(/198112189876/);
  });

  it('refuses a bad municipality code', () => {
    for (const municipalityCode of ['126', '12634', 'abcd', '9999', '', ' 1263']) {
      expect(() => outboxMessage('decision.notify', { municipalityCode, decisionId: applicationId })).toThrow(
        InvalidJobPayloadError,
      );
    }
  });

  it('refuses a record where an id belongs', () => {
    expect(() =>
      parsePayload('decision.notify', { municipalityCode: '1263', decisionId: '19811218-9876' }),
    ).toThrow(/decisionId/);
    expect(() =>
      parsePayload('decision.notify', { municipalityCode: '1263', decisionId: { name: 'x' } }),
    ).toThrow(InvalidJobPayloadError);
  });

  it('needs the full business key for an outbox message of a periodic job', () => {
    expect(parsePayload('summary.daily', { municipalityCode: '1287' })).toEqual({ municipalityCode: '1287' });
    expect(() => outboxMessage('summary.daily', { municipalityCode: '1287' })).toThrow(/date: required/);
  });

  it('refuses an unknown job name on receipt', () => {
    expect(() => parsePayload('invoice.send' as 'decision.notify', { municipalityCode: '1263' })).toThrow(
      /unknown job name/,
    );
  });
});
