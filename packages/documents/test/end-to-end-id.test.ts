import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { paymentEndToEndId, paymentIdFromEndToEndId } from '../src/payments/end-to-end-id.ts';
import { containsPersonnummer, isoIdentifier } from '../src/payments/iso20022-text.ts';

describe('payment EndToEndId', () => {
  // A UUID whose hex, written as it is, holds "8501011234": a date-shaped run the file builder
  // refuses as a personnummer (this is what made a payment file fail now and then).
  const unlucky = 'a8501011-234b-4cde-8f01-23456789abcd';

  it('was refusable when it was the UUID hex, and never is as letters', () => {
    expect(containsPersonnummer(unlucky.replaceAll('-', ''))).toBe(true);
    const id = paymentEndToEndId(unlucky);
    expect(id).toMatch(/^[A-P]{32}$/);
    expect(containsPersonnummer(id)).toBe(false);
    expect(isoIdentifier(id, 'EndToEndId')).toBe(id);
  });

  it('identifies the payment: unique and reversible, for 10 000 random ids', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const paymentId = randomUUID();
      const id = paymentEndToEndId(paymentId);
      expect(id.length).toBeLessThanOrEqual(35);
      expect(/\d/.test(id)).toBe(false);
      expect(paymentIdFromEndToEndId(id)).toBe(paymentId);
      seen.add(id);
    }
    expect(seen.size).toBe(10_000);
  });

  it('refuses what is not a UUID, and reads back only its own format', () => {
    expect(() => paymentEndToEndId('not-a-uuid')).toThrow();
    expect(paymentIdFromEndToEndId('ABC')).toBeNull();
    expect(paymentIdFromEndToEndId('a8501011234b4cde8f0123456789abcd')).toBeNull();
  });
});
