import { DomainError } from '@samverkan/domain';
import { describe, expect, it } from 'vitest';
import { composeDecisionLetter, isAgainstApplicant } from '../src/decision-letter/compose-decision-letter.ts';
import type { DecisionLetter, LetterDocument } from '../src/decision-letter/decision-letter.ts';
import { renderDecisionLetterPdf } from '../src/decision-letter/render-decision-letter-pdf.ts';
import { approvedByRobot, partiallyApprovedByPerson, rejectedByRobot } from './fixtures/decision-letters.ts';
import { countPdfPages, extractPdfText } from './helpers/pdf-text.ts';

const allText = (doc: LetterDocument): string =>
  [
    doc.title,
    ...doc.letterhead,
    ...doc.sections.flatMap((s) => [
      s.heading,
      ...s.paragraphs,
      ...(s.table ?? []).flatMap((r) => [r.label, r.value]),
    ]),
  ]
    .join('\n')
    .replace(/\u00a0/g, ' ');
const section = (doc: LetterDocument, key: string) => doc.sections.find((s) => s.key === key);

describe('composeDecisionLetter: förvaltningslagen 31–33 §§', () => {
  it.each([
    ['approved', approvedByRobot, false],
    ['rejected', rejectedByRobot, true],
    ['partially approved', partiallyApprovedByPerson, true],
  ] as const)(
    '%s: appeal instructions present exactly when the decision goes against the applicant',
    (_, letter, against) => {
      const doc = composeDecisionLetter(letter);
      expect(isAgainstApplicant(letter)).toBe(against);
      expect(section(doc, 'appeal') !== undefined).toBe(against);
      expect(/överklaga/i.test(allText(doc))).toBe(against);
    },
  );

  it('states content, date, who decided, reasons and the calculation (31–32 §§)', () => {
    const doc = composeDecisionLetter(approvedByRobot);
    const text = allText(doc);
    expect(doc.title).toBe('Beslut om ekonomiskt bistånd');
    expect(doc.meta).toContainEqual({ label: 'Beslutsdatum', value: '3 mars 2026' });
    expect(doc.meta).toContainEqual({ label: 'Diarienummer', value: 'SN 2026/0412' });
    expect(section(doc, 'decision')?.paragraphs[0]).toBe(
      'Socialnämnden i Svedala kommun beviljar dig ekonomiskt bistånd (försörjningsstöd) med 11\u00a0620 kr för mars 2026.',
    );
    expect(text).toContain('12 kap. 1 § socialtjänstlagen (2025:400)');
    expect(section(doc, 'reasons')?.paragraphs).toEqual(approvedByRobot.reasons);
    const table = section(doc, 'calculation')?.table ?? [];
    expect(table.at(-1)).toEqual({ label: 'Beviljat belopp', value: '11\u00a0620 kr', isTotal: true });
    expect(table).toContainEqual({ label: 'Inkomster: bostadsbidrag', value: '−300 kr' });
    expect(text).toContain('personnummer 19811218-9876');
    expect(section(doc, 'payment')?.paragraphs[0]).toContain('27 mars 2026');
  });

  it('says clearly that a robot decision was automated (FL 28 §) and names the delegation', () => {
    const who = section(composeDecisionLetter(rejectedByRobot), 'decided_by')?.paragraphs.join(' ') ?? '';
    expect(who).toContain('automatiserat beslutsfattande (28 § förvaltningslagen)');
    expect(who).toContain('Delegationsordning punkt 4.1, beslut enligt 12 kap. 1 § SoL');
    const personWho =
      section(composeDecisionLetter(partiallyApprovedByPerson), 'decided_by')?.paragraphs.join(' ') ?? '';
    expect(personWho).not.toContain('automatiserat');
    expect(personWho).toContain('Karin Karlsson, socialsekreterare, Trelleborgs kommun');
  });

  it("makes a Svedala case decided by Trelleborg's staff or robot Svedala's committee's decision", () => {
    for (const letter of [approvedByRobot, rejectedByRobot, partiallyApprovedByPerson]) {
      const doc = composeDecisionLetter(letter);
      const who = section(doc, 'decided_by')?.paragraphs.join(' ') ?? '';
      expect(who).toContain('på uppdrag av Socialnämnden i Svedala kommun');
      expect(who).toContain('Beslutet gäller som beslut av Socialnämnden i Svedala kommun.');
      expect(doc.letterhead[0]).toBe('Svedala kommun');
      expect(doc.letterhead).toContain('Handläggning utförs av Trelleborgs kommun enligt avtal');
    }
  });

  it('says "på delegation från" the committee when no agreement is involved', () => {
    const { performedBy: _none, ...own } = partiallyApprovedByPerson;
    const who = section(composeDecisionLetter(own), 'decided_by')?.paragraphs.join(' ') ?? '';
    expect(who).toContain('på delegation från Socialnämnden i Svedala kommun');
    expect(who).not.toContain('Trelleborg');
  });

  it('gives complete appeal instructions to the deciding committee (FL 33, 43–44 §§, 35 kap. 1 § SoL)', () => {
    const appeal = section(composeDecisionLetter(rejectedByRobot), 'appeal')?.paragraphs.join(' ') ?? '';
    expect(appeal).toContain('förvaltningsrätten (35 kap. 1 § socialtjänstlagen (2025:400))');
    expect(appeal).toContain(
      'skriftligt och skickas till Socialnämnden i Svedala kommun, Socialnämnden, 233 80 Svedala',
    );
    expect(appeal).toContain('inom tre veckor från den dag då du fick del av beslutet');
    expect(appeal).toContain('diarienummer SN 2026/0413');
    expect(appeal).toContain('vilken ändring du vill ha');
    expect(appeal).toContain('skickar nämnden överklagandet vidare till förvaltningsrätten');
  });

  it('states the rejected part of a partial approval and addresses both applicants', () => {
    const doc = composeDecisionLetter(partiallyApprovedByPerson);
    const decision = section(doc, 'decision')?.paragraphs[0] ?? '';
    expect(decision).toContain('beviljar er delvis ekonomiskt bistånd');
    expect(decision).toContain('Ansökan avslås till den del den avser 1\u00a0500 kr.');
    expect(allText(doc)).toContain('Medsökande: Bertil Berg, personnummer 19850412-2469.');
    expect(section(doc, 'appeal')?.paragraphs[0]).toContain('Om ni inte är nöjd');
  });

  it('refuses inconsistent or incomplete decisions', () => {
    const bad: DecisionLetter[] = [
      { ...rejectedByRobot, reasons: [] },
      { ...rejectedByRobot, approvedAmountOre: 100 },
      { ...approvedByRobot, appliedAmountOre: 2_000_000 },
      { ...partiallyApprovedByPerson, approvedAmountOre: 1_450_000 },
      { ...approvedByRobot, applicant: { name: 'X', personnummer: '8112189876' } },
      { ...approvedByRobot, applicant: { name: 'X', personnummer: '198112189875' } },
    ];
    for (const letter of bad) expect(() => composeDecisionLetter(letter)).toThrow(DomainError);
  });
});

describe('renderDecisionLetterPdf', () => {
  it('produces a real A4 PDF whose text holds the key phrases, with åäö intact', async () => {
    const pdf = await renderDecisionLetterPdf(rejectedByRobot);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1').trimEnd().endsWith('%%EOF')).toBe(true);
    expect(pdf.toString('latin1')).toContain('/MediaBox [0 0 595.28 841.89]');
    const text = extractPdfText(pdf);
    for (const phrase of [
      'Svedala kommun',
      'Socialnämnden i Svedala kommun',
      'Beslut om ekonomiskt bistånd',
      'Beslut: avslag',
      'avslår din ansökan om ekonomiskt bistånd (försörjningsstöd) för mars 2026',
      'personnummer 19811218-9876',
      'automatiserat beslutsfattande (28 § förvaltningslagen)',
      'på uppdrag av Socialnämnden i Svedala kommun',
      'Hur man överklagar (besvärshänvisning)',
      'inom tre veckor från den dag då du fick del av beslutet',
      'Inkomster: lön (netto)',
      '-10 500 kr',
    ]) {
      expect(text).toContain(phrase);
    }
    const pages = countPdfPages(pdf);
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(text).toContain(`Sida 1 av ${pages}`);
    expect(text).toContain(`Sida ${pages} av ${pages}`);
  });

  it('has no appeal instructions in an approval; same text with and without compression', async () => {
    const compressed = await renderDecisionLetterPdf(approvedByRobot);
    const plain = await renderDecisionLetterPdf(approvedByRobot, { compress: false });
    const text = extractPdfText(compressed);
    expect(text).toBe(extractPdfText(plain));
    expect(text).toContain('Beslut: bifall');
    expect(text).toContain('Beviljat belopp 11 620 kr');
    expect(text).toContain('betalas ut den 27 mars 2026');
    expect(text).not.toContain('överklaga');
  });
});
