import { DomainError } from '@samverkan/domain';
import { describe, expect, it } from 'vitest';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { buildPain001, PAIN001_NAMESPACE } from '../src/payments/build-pain001.ts';
import type { Payment, PaymentBatch } from '../src/payments/payment-batch.ts';
import { summarisePain001 } from '../src/payments/summarise-pain001.ts';
import { manyPayments, marchPayouts } from './fixtures/payment-batches.ts';

// ---------------------------------------------------------------------------------------------
// The content models of pain.001.001.09 (ISO 20022 XSD) for every type we write, in schema
// order, with the elements each type requires (minOccurs ≥ 1). `choice` types hold exactly one
// child. `children` names the type of each child we descend into; all others are simple types.
// ---------------------------------------------------------------------------------------------
interface ContentModel {
  readonly sequence: readonly string[];
  readonly required?: readonly string[];
  readonly choice?: true;
  readonly children?: Readonly<Record<string, string>>;
}

const XSD: Readonly<Record<string, ContentModel>> = {
  Document: {
    sequence: ['CstmrCdtTrfInitn'],
    required: ['CstmrCdtTrfInitn'],
    children: { CstmrCdtTrfInitn: 'CustomerCreditTransferInitiationV09' },
  },
  CustomerCreditTransferInitiationV09: {
    sequence: ['GrpHdr', 'PmtInf', 'SplmtryData'],
    required: ['GrpHdr', 'PmtInf'],
    children: { GrpHdr: 'GroupHeader85', PmtInf: 'PaymentInstruction30' },
  },
  GroupHeader85: {
    sequence: ['MsgId', 'CreDtTm', 'Authstn', 'NbOfTxs', 'CtrlSum', 'InitgPty', 'FwdgAgt'],
    required: ['MsgId', 'CreDtTm', 'NbOfTxs', 'InitgPty'],
    children: { InitgPty: 'PartyIdentification135' },
  },
  PartyIdentification135: {
    sequence: ['Nm', 'PstlAdr', 'Id', 'CtryOfRes', 'CtctDtls'],
    children: { Id: 'Party38Choice' },
  },
  Party38Choice: {
    sequence: ['OrgId', 'PrvtId'],
    choice: true,
    children: { OrgId: 'OrganisationIdentification29' },
  },
  OrganisationIdentification29: {
    sequence: ['AnyBIC', 'LEI', 'Othr'],
    children: { Othr: 'GenericOrganisationIdentification1' },
  },
  GenericOrganisationIdentification1: {
    sequence: ['Id', 'SchmeNm', 'Issr'],
    required: ['Id'],
    children: { SchmeNm: 'OrganisationIdentificationSchemeName1Choice' },
  },
  OrganisationIdentificationSchemeName1Choice: { sequence: ['Cd', 'Prtry'], choice: true },
  PaymentInstruction30: {
    sequence: [
      'PmtInfId',
      'PmtMtd',
      'BtchBookg',
      'NbOfTxs',
      'CtrlSum',
      'PmtTpInf',
      'ReqdExctnDt',
      'PoolgAdjstmntDt',
      'Dbtr',
      'DbtrAcct',
      'DbtrAgt',
      'DbtrAgtAcct',
      'InstrForDbtrAgt',
      'UltmtDbtr',
      'ChrgBr',
      'ChrgsAcct',
      'ChrgsAcctAgt',
      'CdtTrfTxInf',
    ],
    required: ['PmtInfId', 'PmtMtd', 'ReqdExctnDt', 'Dbtr', 'DbtrAcct', 'DbtrAgt', 'CdtTrfTxInf'],
    children: {
      PmtTpInf: 'PaymentTypeInformation26',
      ReqdExctnDt: 'DateAndDateTime2Choice',
      Dbtr: 'PartyIdentification135',
      DbtrAcct: 'CashAccount38',
      DbtrAgt: 'BranchAndFinancialInstitutionIdentification6',
      CdtTrfTxInf: 'CreditTransferTransaction34',
    },
  },
  PaymentTypeInformation26: {
    sequence: ['InstrPrty', 'SvcLvl', 'LclInstrm', 'CtgyPurp'],
    children: { CtgyPurp: 'CategoryPurpose1Choice' },
  },
  CategoryPurpose1Choice: { sequence: ['Cd', 'Prtry'], choice: true },
  DateAndDateTime2Choice: { sequence: ['Dt', 'DtTm'], choice: true },
  CashAccount38: {
    sequence: ['Id', 'Tp', 'Ccy', 'Nm', 'Prxy'],
    required: ['Id'],
    children: { Id: 'AccountIdentification4Choice' },
  },
  AccountIdentification4Choice: {
    sequence: ['IBAN', 'Othr'],
    choice: true,
    children: { Othr: 'GenericAccountIdentification1' },
  },
  GenericAccountIdentification1: {
    sequence: ['Id', 'SchmeNm', 'Issr'],
    required: ['Id'],
    children: { SchmeNm: 'AccountSchemeName1Choice' },
  },
  AccountSchemeName1Choice: { sequence: ['Cd', 'Prtry'], choice: true },
  BranchAndFinancialInstitutionIdentification6: {
    sequence: ['FinInstnId', 'BrnchId'],
    required: ['FinInstnId'],
    children: { FinInstnId: 'FinancialInstitutionIdentification18' },
  },
  FinancialInstitutionIdentification18: {
    sequence: ['BICFI', 'ClrSysMmbId', 'LEI', 'Nm', 'PstlAdr', 'Othr'],
    children: { ClrSysMmbId: 'ClearingSystemMemberIdentification2', Othr: 'GenericFinancialIdentification1' },
  },
  ClearingSystemMemberIdentification2: {
    sequence: ['ClrSysId', 'MmbId'],
    required: ['MmbId'],
    children: { ClrSysId: 'ClearingSystemIdentification2Choice' },
  },
  ClearingSystemIdentification2Choice: { sequence: ['Cd', 'Prtry'], choice: true },
  GenericFinancialIdentification1: { sequence: ['Id', 'SchmeNm', 'Issr'], required: ['Id'] },
  CreditTransferTransaction34: {
    sequence: [
      'PmtId',
      'PmtTpInf',
      'Amt',
      'XchgRateInf',
      'ChrgBr',
      'ChqInstr',
      'UltmtDbtr',
      'IntrmyAgt1',
      'IntrmyAgt1Acct',
      'IntrmyAgt2',
      'IntrmyAgt2Acct',
      'IntrmyAgt3',
      'IntrmyAgt3Acct',
      'CdtrAgt',
      'CdtrAgtAcct',
      'Cdtr',
      'CdtrAcct',
      'UltmtCdtr',
      'InstrForCdtrAgt',
      'InstrForDbtrAgt',
      'Purp',
      'RgltryRptg',
      'Tax',
      'RltdRmtInf',
      'RmtInf',
      'SplmtryData',
    ],
    required: ['PmtId', 'Amt'],
    children: {
      PmtId: 'PaymentIdentification6',
      Amt: 'AmountType4Choice',
      CdtrAgt: 'BranchAndFinancialInstitutionIdentification6',
      Cdtr: 'PartyIdentification135',
      CdtrAcct: 'CashAccount38',
      RmtInf: 'RemittanceInformation16',
    },
  },
  PaymentIdentification6: { sequence: ['InstrId', 'EndToEndId', 'UETR'], required: ['EndToEndId'] },
  AmountType4Choice: { sequence: ['InstdAmt', 'EqvtAmt'], choice: true },
  RemittanceInformation16: { sequence: ['Ustrd', 'Strd'] },
};

/** Elements that repeat in our files (maxOccurs > 1 in the schema). */
const REPEATABLE = new Set(['PmtInf', 'CdtTrfTxInf', 'Othr', 'Ustrd', 'Authstn']);

const elementChildren = (b: XMLBuilder): XMLBuilder[] => b.filter((c) => c.node.nodeType === 1, false, false);
const nameOf = (b: XMLBuilder): string => b.node.nodeName;

/** Returns every violation of the content models below `element` (empty = conforms). */
function contentModelViolations(element: XMLBuilder, type: string, path: string): string[] {
  const model = XSD[type];
  if (!model) return [`${path}: no content model for ${type}`];
  const kids = elementChildren(element);
  const names = kids.map(nameOf);
  const problems: string[] = [];
  let last = -1;
  let lastName = '';
  for (const name of names) {
    const index = model.sequence.indexOf(name);
    if (index === -1) problems.push(`${path}: ${name} is not allowed in ${type}`);
    else if (index < last || (index === last && !REPEATABLE.has(name))) {
      problems.push(`${path}: ${name} after ${lastName} breaks the ${type} sequence`);
    }
    last = Math.max(last, index);
    lastName = name;
  }
  for (const name of model.required ?? []) {
    if (!names.includes(name)) problems.push(`${path}: ${type} requires ${name}`);
  }
  if (model.choice && names.length !== 1)
    problems.push(`${path}: ${type} is a choice of exactly one element`);
  for (const kid of kids) {
    const childType = model.children?.[nameOf(kid)];
    const childPath = `${path}/${nameOf(kid)}`;
    if (childType) problems.push(...contentModelViolations(kid, childType, childPath));
    else if (elementChildren(kid).length > 0)
      problems.push(`${childPath}: a simple type with child elements`);
  }
  return problems;
}

/** Text of the first element at a slash path below `from`. */
function textAt(from: XMLBuilder, path: string): string {
  let current: XMLBuilder | undefined = from;
  for (const name of path.split('/')) {
    current = current?.find((c) => c.node.nodeName === name, false, false);
  }
  if (!current) throw new Error(`no ${path}`);
  return current.node.textContent ?? '';
}

const all = (from: XMLBuilder, name: string): XMLBuilder[] =>
  from.filter((c) => c.node.nodeName === name, false, true);

const withPayments = (payments: Payment[], overrides: Partial<PaymentBatch> = {}): PaymentBatch => ({
  ...marchPayouts,
  ...overrides,
  payments,
});

const firstPayment = (): Payment => {
  const [p] = marchPayouts.payments;
  if (!p) throw new Error('fixture has payments');
  return p;
};

function refusal(batch: PaymentBatch): DomainError {
  try {
    buildPain001(batch);
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('buildPain001 accepted the batch');
}

describe('buildPain001: structure', () => {
  const xml = buildPain001(marchPayouts);
  const doc = create(xml).root();

  it('is a pain.001.001.09 Document in the ISO 20022 namespace, every element in it', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(doc.node.nodeName).toBe('Document');
    expect(doc.node.lookupNamespaceURI(null)).toBe('urn:iso:std:iso:20022:tech:xsd:pain.001.001.09');
    expect(PAIN001_NAMESPACE).toBe('urn:iso:std:iso:20022:tech:xsd:pain.001.001.09');
    expect(xml).not.toContain('xmlns=""');
    expect(xml.match(/xmlns=/g)).toHaveLength(1);
  });

  it('follows the element order and required elements of the pain.001.001.09 schema', () => {
    expect(contentModelViolations(doc, 'Document', '/Document')).toEqual([]);
    // …and the check itself notices an out-of-order file.
    const swapped = xml.replace(
      /(<MsgId>[^<]*<\/MsgId>)(\s*)(<CreDtTm>[^<]*<\/CreDtTm>)/,
      (_m, msgId: string, space: string, created: string) => `${created}${space}${msgId}`,
    );
    expect(contentModelViolations(create(swapped).root(), 'Document', '/Document')).toContain(
      '/Document/CstmrCdtTrfInitn/GrpHdr: MsgId after CreDtTm breaks the GroupHeader85 sequence',
    );
  });

  it('writes the group header: ids, Stockholm creation time, count, control sum, initiating party', () => {
    const header = doc.find((c) => c.node.nodeName === 'GrpHdr', false, true);
    if (!header) throw new Error('no GrpHdr');
    expect(textAt(header, 'MsgId')).toBe('SAMV-1287-20260320-001');
    expect(textAt(header, 'CreDtTm')).toBe('2026-03-20T09:15:00+01:00');
    expect(textAt(header, 'NbOfTxs')).toBe('2');
    expect(textAt(header, 'CtrlSum')).toBe('14573.51');
    expect(textAt(header, 'InitgPty/Nm')).toBe('Trelleborgs kommun');
    expect(textAt(header, 'InitgPty/Id/OrgId/Othr/Id')).toBe('2120001199');
    expect(textAt(header, 'InitgPty/Id/OrgId/Othr/SchmeNm/Cd')).toBe('BANK');
  });

  it('writes the creation time in Stockholm time with its offset, also in summer and across midnight', () => {
    const summer = buildPain001({
      ...marchPayouts,
      createdAt: new Date('2026-07-01T22:30:00.999Z'),
      paymentDate: '2026-07-27',
    });
    expect(textAt(create(summer).root(), 'CstmrCdtTrfInitn/GrpHdr/CreDtTm')).toBe(
      '2026-07-02T00:30:00+02:00',
    );
  });

  it('writes one PmtInf: TRF, category purpose SSBE, execution date, debtor with Bankgiro', () => {
    const [info, ...more] = all(doc, 'PmtInf');
    if (!info) throw new Error('no PmtInf');
    expect(more).toHaveLength(0);
    expect(textAt(info, 'PmtMtd')).toBe('TRF');
    expect(textAt(info, 'PmtTpInf/CtgyPurp/Cd')).toBe('SSBE');
    expect(textAt(info, 'ReqdExctnDt/Dt')).toBe('2026-03-25');
    expect(textAt(info, 'NbOfTxs')).toBe('2');
    expect(textAt(info, 'CtrlSum')).toBe('14573.51');
    expect(textAt(info, 'Dbtr/Nm')).toBe('Trelleborgs kommun');
    expect(textAt(info, 'Dbtr/Id/OrgId/Othr/Id')).toBe('2120001199');
    expect(textAt(info, 'DbtrAcct/Id/Othr/Id')).toBe('50501055');
    expect(textAt(info, 'DbtrAcct/Id/Othr/SchmeNm/Prtry')).toBe('BGNR');
    expect(textAt(info, 'DbtrAcct/Ccy')).toBe('SEK');
    expect(textAt(info, 'DbtrAgt/FinInstnId/Othr/Id')).toBe('NOTPROVIDED');
  });

  it('writes each payment: end-to-end id, SEK amount from öre, creditor, account, remittance', () => {
    const [toAccount, toBankgiro] = all(doc, 'CdtTrfTxInf');
    if (!toAccount || !toBankgiro) throw new Error('two transactions expected');
    expect(textAt(toAccount, 'PmtId/EndToEndId')).toBe('EB-1287-2026-000012-03');
    expect(textAt(toAccount, 'Amt/InstdAmt')).toBe('8123.50');
    expect(xml).toContain('<InstdAmt Ccy="SEK">8123.50</InstdAmt>');
    expect(textAt(toAccount, 'Cdtr/Nm')).toBe('Asa Oberg');
    expect(textAt(toAccount, 'CdtrAcct/Id/Othr/Id')).toBe('832791234567890');
    expect(textAt(toAccount, 'CdtrAcct/Id/Othr/SchmeNm/Cd')).toBe('BBAN');
    expect(textAt(toAccount, 'CdtrAgt/FinInstnId/ClrSysMmbId/ClrSysId/Cd')).toBe('SESBA');
    expect(textAt(toAccount, 'CdtrAgt/FinInstnId/ClrSysMmbId/MmbId')).toBe('83279');
    expect(textAt(toAccount, 'RmtInf/Ustrd')).toBe('Ekonomiskt bistand 2026-03, arende EB-1287-2026-000012');

    expect(textAt(toBankgiro, 'Amt/InstdAmt')).toBe('6450.01');
    expect(textAt(toBankgiro, 'Cdtr/Nm')).toBe('Hyresbostader i Trelleborg AB');
    expect(textAt(toBankgiro, 'CdtrAcct/Id/Othr/Id')).toBe('9008004');
    expect(textAt(toBankgiro, 'CdtrAcct/Id/Othr/SchmeNm/Prtry')).toBe('BGNR');
    expect(textAt(toBankgiro, 'CdtrAgt/FinInstnId/ClrSysMmbId/MmbId')).toBe('9900');
  });

  it('writes an IBAN debtor account with its BIC', () => {
    const ibanXml = buildPain001({
      ...marchPayouts,
      debtor: {
        ...marchPayouts.debtor,
        account: { kind: 'iban', iban: 'SE45 5000 0000 0583 9825 7466', bic: 'ESSESESS' },
      },
    });
    const info = create(ibanXml)
      .root()
      .find((c) => c.node.nodeName === 'PmtInf', false, true);
    if (!info) throw new Error('no PmtInf');
    expect(textAt(info, 'DbtrAcct/Id/IBAN')).toBe('SE4550000000058398257466');
    expect(textAt(info, 'DbtrAgt/FinInstnId/BICFI')).toBe('ESSESESS');
    expect(contentModelViolations(create(ibanXml).root(), 'Document', '/Document')).toEqual([]);
  });

  it('uses only the ISO 20022 Latin character set in the whole file', () => {
    const texts = all(doc, 'Nm')
      .concat(all(doc, 'Ustrd'))
      .map((b) => b.node.textContent ?? '');
    for (const t of texts) expect(t).toMatch(/^[A-Za-z0-9/\-?:().,'+ ]+$/);
  });
});

describe('buildPain001: sums', () => {
  it('counts and sums 1 000 payments with odd amounts to the öre', () => {
    const payments = manyPayments(1000);
    const expectedOre = payments.reduce((sum, p) => sum + p.amountOre, 0);
    const expectedSum = `${Math.floor(expectedOre / 100)}.${String(expectedOre % 100).padStart(2, '0')}`;
    const xml = buildPain001(withPayments(payments));
    const doc = create(xml).root();
    expect(textAt(doc, 'CstmrCdtTrfInitn/GrpHdr/NbOfTxs')).toBe('1000');
    expect(textAt(doc, 'CstmrCdtTrfInitn/GrpHdr/CtrlSum')).toBe(expectedSum);
    expect(textAt(doc, 'CstmrCdtTrfInitn/PmtInf/CtrlSum')).toBe(expectedSum);
    // Sum the written amounts back as integers: every one has exactly two decimals.
    const written = all(doc, 'InstdAmt').map((b) => b.node.textContent ?? '');
    expect(written.every((a) => /^\d+\.\d{2}$/.test(a))).toBe(true);
    expect(written.reduce((sum, a) => sum + Number(a.replace('.', '')), 0)).toBe(expectedOre);
    expect(summarisePain001(xml).totalOre).toBe(expectedOre);
  });

  it('writes small and large amounts with exactly two decimals', () => {
    const [p] = manyPayments(1);
    if (!p) throw new Error('one payment');
    const cases: [number, string][] = [
      [1, '0.01'],
      [10, '0.10'],
      [100, '1.00'],
      [1_234_567_89, '1234567.89'],
    ];
    for (const [ore, text] of cases) {
      const xml = buildPain001(withPayments([{ ...p, amountOre: ore }]));
      expect(xml).toContain(`<InstdAmt Ccy="SEK">${text}</InstdAmt>`);
      expect(xml).toContain(`<CtrlSum>${text}</CtrlSum>`);
    }
  });
});

describe('summarisePain001', () => {
  it('reads back what buildPain001 wrote', () => {
    const xml = buildPain001(marchPayouts);
    expect(summarisePain001(xml)).toEqual({
      messageId: 'SAMV-1287-20260320-001',
      count: 2,
      totalOre: 1_457_351,
      paymentDate: '2026-03-25',
      endToEndIds: ['EB-1287-2026-000012-03', 'EB-1287-2026-000013-03'],
    });
  });

  it('refuses a file whose control sum or count does not match its payments', () => {
    const xml = buildPain001(marchPayouts);
    const badSum = xml.replace(
      '<InstdAmt Ccy="SEK">8123.50</InstdAmt>',
      '<InstdAmt Ccy="SEK">8123.51</InstdAmt>',
    );
    expect(() => summarisePain001(badSum)).toThrow(/CtrlSum/);
    const badCount = xml.replace('<NbOfTxs>2</NbOfTxs>', '<NbOfTxs>3</NbOfTxs>');
    expect(() => summarisePain001(badCount)).toThrow(/NbOfTxs/);
    const badCurrency = xml.replace('Ccy="SEK">8123.50', 'Ccy="EUR">8123.50');
    expect(() => summarisePain001(badCurrency)).toThrow(/EUR/);
  });

  it('refuses what is not a pain.001.001.09 file', () => {
    expect(() => summarisePain001('not xml <')).toThrow(DomainError);
    const older = buildPain001(marchPayouts).replace('pain.001.001.09', 'pain.001.001.03');
    expect(() => summarisePain001(older)).toThrow(/namnrymden/);
  });
});

describe('buildPain001: refusals (DomainError validation_failed, Swedish message)', () => {
  const p = firstPayment();

  it('refuses an empty batch', () => {
    const e = refusal(withPayments([]));
    expect(e.code).toBe('validation_failed');
    expect(e.message).toBe('Betalfilen måste innehålla minst en betalning.');
  });

  it('refuses zero, negative, fractional and unsafe amounts', () => {
    for (const amountOre of [0, -100, 12.5, 0.1 + 0.2, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
      const e = refusal(withPayments([{ ...p, amountOre }]));
      expect(e.code).toBe('validation_failed');
      expect(e.message).toMatch(/beloppet ska vara ett positivt heltal i öre/);
    }
  });

  it('refuses ids over 35 characters, with spaces or other characters outside the set, and duplicates', () => {
    expect(refusal({ ...marchPayouts, messageId: 'M'.repeat(36) }).message).toMatch(/1–35 tecken/);
    expect(refusal(withPayments([{ ...p, endToEndId: 'E'.repeat(36) }])).message).toMatch(/1–35 tecken/);
    expect(refusal(withPayments([{ ...p, endToEndId: 'EB 1287' }])).message).toMatch(/inga mellanslag/);
    expect(refusal(withPayments([{ ...p, endToEndId: 'EB_1287' }])).message).toMatch(/får bara innehålla/);
    expect(refusal(withPayments([{ ...p, endToEndId: '/EB-1287' }])).message).toMatch(/får bara innehålla/);
    expect(refusal(withPayments([{ ...p, endToEndId: 'EB//1287' }])).message).toMatch(/får bara innehålla/);
    expect(refusal(withPayments([p, { ...p }])).message).toMatch(/förekommer mer än en gång/);
    // exactly 35 is fine
    expect(() => buildPain001(withPayments([{ ...p, endToEndId: 'E'.repeat(35) }]))).not.toThrow();
  });

  it('transliterates diacritics but refuses characters outside the ISO 20022 Latin set', () => {
    const xml = buildPain001(
      withPayments([{ ...p, creditorName: 'Zoë Åkesson-Müller', remittance: 'Bistånd – mars' }]),
    );
    expect(xml).toContain('<Nm>Zoe Akesson-Muller</Nm>');
    expect(xml).toContain('<Ustrd>Bistand - mars</Ustrd>');
    for (const creditorName of ['Ek & Son', 'a@b.se', 'Namn_med_understreck', 'Smile 🙂', 'Citat "x"']) {
      const e = refusal(withPayments([{ ...p, creditorName }]));
      expect(e.message).toMatch(/tecken som inte är tillåtna/);
    }
    expect(refusal(withPayments([{ ...p, remittance: 'R'.repeat(141) }])).message).toMatch(
      /högst 140 tecken/,
    );
    expect(refusal(withPayments([{ ...p, creditorName: '   ' }])).message).toMatch(/får inte vara tomt/);
  });

  it('refuses a remittance (or name, or id) that contains a personnummer, in any common form', () => {
    for (const pnr of [
      '198503121234',
      '19850312-1234',
      '850312-1234',
      '8503121234',
      '850312+1234',
      '850372-1234',
    ]) {
      const e = refusal(withPayments([{ ...p, remittance: `Ekonomiskt bistånd mars ${pnr}` }]));
      expect(e.message).toMatch(/personnummer/);
      expect(refusal(withPayments([{ ...p, creditorName: `Anna ${pnr}` }])).message).toMatch(/personnummer/);
    }
    expect(refusal(withPayments([{ ...p, endToEndId: 'P-19850312-1234' }])).message).toMatch(/personnummer/);
    // dates, case numbers and amounts are not personnummer
    expect(() =>
      buildPain001(
        withPayments([{ ...p, remittance: 'Bistånd 2026-03-25, ärende EB-1287-2026-000012, 1234 kr' }]),
      ),
    ).not.toThrow();
  });

  it('never writes a personnummer in the file', () => {
    const xml = buildPain001(withPayments(manyPayments(50)));
    expect(xml).not.toMatch(
      /(?<!\d)(?:19|20)?\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]|6[1-9])[-+]\d{4}(?!\d)/,
    );
    for (const b of all(create(xml).root(), 'Ustrd').concat(all(create(xml).root(), 'Nm'))) {
      expect(b.node.textContent ?? '').not.toMatch(/\d{10}/);
    }
  });

  it('refuses bad accounts, org numbers and dates', () => {
    const bankgiro = (number: string): Payment => ({ ...p, account: { kind: 'bankgiro', number } });
    expect(refusal(withPayments([bankgiro('900-8005')])).message).toMatch(/kontrollsiffra/);
    expect(refusal(withPayments([bankgiro('12345')])).message).toMatch(/7–8 siffror/);
    const account = (clearing: string, acct: string): Payment => ({
      ...p,
      account: { kind: 'bank_account', clearing, account: acct },
    });
    expect(refusal(withPayments([account('123', '1234567')])).message).toMatch(/clearingnumret/);
    expect(refusal(withPayments([account('6000', '12345')])).message).toMatch(/kontonumret/);
    expect(
      refusal({
        ...marchPayouts,
        debtor: { ...marchPayouts.debtor, account: { kind: 'iban', iban: 'SE45 5000 0000 0583 9825 7467' } },
      }).message,
    ).toMatch(/IBAN/);
    expect(
      refusal({
        ...marchPayouts,
        debtor: {
          ...marchPayouts.debtor,
          account: { kind: 'iban', iban: 'SE4550000000058398257466', bic: 'ESSE' },
        },
      }).message,
    ).toMatch(/BIC/);
    expect(() =>
      buildPain001({ ...marchPayouts, debtor: { ...marchPayouts.debtor, orgNumber: '212000-1190' } }),
    ).toThrow(DomainError);
    expect(refusal({ ...marchPayouts, paymentDate: '2026-02-30' }).code).toBe('validation_failed');
    expect(refusal({ ...marchPayouts, paymentDate: '2026-03-28' }).message).toMatch(/inte en bankdag/);
    expect(refusal({ ...marchPayouts, paymentDate: '2026-03-19' }).message).toMatch(
      /före filens skapandedag/,
    );
  });
});
