import {
  DomainError,
  isWorkingDay,
  parseIsoDate,
  parseOrganisationNumber,
  stockholmDate,
} from '@samverkan/domain';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { oreToDecimal } from '../peppol/amounts.ts';
import { isoIdentifier, toIsoLatinText } from './iso20022-text.ts';
import type { CreditorAccount, DebtorAccount, Payment, PaymentBatch } from './payment-batch.ts';

export const PAIN001_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.09';
/** ExternalCategoryPurpose1Code: social security benefit. */
export const SOCIAL_BENEFIT_CATEGORY_PURPOSE = 'SSBE';
/** ExternalOrganisationIdentification1Code used for the municipality's org nr (InitgPty and Dbtr). */
export const ORG_NUMBER_SCHEME_CODE = 'BANK';
/** Proprietary account scheme for Bankgiro numbers. */
export const BANKGIRO_SCHEME = 'BGNR';
/** ExternalClearingSystemIdentification1Code for Swedish clearing numbers; Bankgirot is 9900. */
export const SWEDISH_CLEARING_SYSTEM = 'SESBA';
export const BANKGIROT_CLEARING_NUMBER = '9900';

const NAME_MAX = 70;
const REMITTANCE_MAX = 140;
const BIC = /^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/;

function fail(message: string): never {
  throw new DomainError('validation_failed', message);
}

/** Mod 10 (Luhn) over all digits including the check digit, weights 1,2,1,2… from the right. */
function isMod10Valid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = Number(digits[digits.length - 1 - i]) * (i % 2 === 1 ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
  }
  return sum % 10 === 0;
}

function bankgiroNumber(input: string, field: string): string {
  const digits = input.replace(/[\s-]/g, '');
  if (!/^\d{7,8}$/.test(digits)) fail(`${field}: bankgironumret ska ha 7–8 siffror.`);
  if (!isMod10Valid(digits)) fail(`${field}: bankgironumrets kontrollsiffra stämmer inte.`);
  return digits;
}

function ibanNumber(input: string): string {
  const iban = input.replace(/\s/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban) || (iban.startsWith('SE') && iban.length !== 24)) {
    fail('Avsändarkontot: IBAN har fel format.');
  }
  const rearranged = `${iban.slice(4)}${iban.slice(0, 4)}`.replace(/[A-Z]/g, (ch) =>
    String(ch.charCodeAt(0) - 55),
  );
  let remainder = 0;
  for (const digit of rearranged) remainder = (remainder * 10 + Number(digit)) % 97;
  if (remainder !== 1) fail('Avsändarkontot: IBAN-kontrollsiffrorna stämmer inte.');
  return iban;
}

function bicCode(input: string): string {
  const bic = input.replace(/\s/g, '').toUpperCase();
  if (!BIC.test(bic)) fail('Avsändarkontot: BIC ska vara 8 eller 11 tecken.');
  return bic;
}

/** Clearing number (4 digits, or 5 for Swedbank's 8xxx-x) and account number (7–10 digits). */
function bankAccount(account: Extract<CreditorAccount, { kind: 'bank_account' }>, field: string) {
  const clearing = account.clearing.replace(/[\s-]/g, '');
  const number = account.account.replace(/[\s-]/g, '');
  if (!/^[1-9]\d{3}$/.test(clearing) && !/^8\d{4}$/.test(clearing)) {
    fail(`${field}: clearingnumret ska ha 4 siffror (5 för Swedbank 8xxx-x).`);
  }
  if (!/^\d{7,10}$/.test(number)) fail(`${field}: kontonumret ska ha 7–10 siffror.`);
  return { clearing, number };
}

/** Stockholm local time with its UTC offset, whole seconds: 2026-03-20T09:15:00+01:00. */
function creationDateTime(instant: Date): string {
  if (Number.isNaN(instant.getTime())) fail('Skapandetidpunkten är ogiltig.');
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'Europe/Stockholm',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  const local = `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}`;
  const wholeSeconds = Math.floor(instant.getTime() / 1000) * 1000;
  const offsetMinutes = Math.round((Date.parse(`${local}Z`) - wholeSeconds) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

const text = (parent: XMLBuilder, name: string, value: string): XMLBuilder =>
  parent.ele(name).txt(value).up();

function orgIdentification(parent: XMLBuilder, orgNumber: string): void {
  const other = parent.ele('Id').ele('OrgId').ele('Othr');
  text(other, 'Id', orgNumber);
  text(other.ele('SchmeNm'), 'Cd', ORG_NUMBER_SCHEME_CODE);
}

function otherAccount(parent: XMLBuilder, id: string, scheme: { cd: string } | { prtry: string }): void {
  const other = parent.ele('Id').ele('Othr');
  text(other, 'Id', id);
  const schemeName = other.ele('SchmeNm');
  if ('cd' in scheme) text(schemeName, 'Cd', scheme.cd);
  else text(schemeName, 'Prtry', scheme.prtry);
}

interface ValidPayment {
  readonly endToEndId: string;
  readonly amountOre: number;
  readonly creditorName: string;
  readonly remittance: string;
  readonly clearing: string;
  readonly account: { readonly id: string; readonly scheme: { cd: string } | { prtry: string } };
}

function validatePayment(payment: Payment, index: number): ValidPayment {
  const field = `Betalning ${index + 1}`;
  const endToEndId = isoIdentifier(payment.endToEndId, `${field}: betalnings-id (EndToEndId)`);
  const label = `${field} (${endToEndId})`;
  if (!Number.isSafeInteger(payment.amountOre) || payment.amountOre <= 0) {
    fail(`${label}: beloppet ska vara ett positivt heltal i öre (är ${payment.amountOre}).`);
  }
  const creditorName = toIsoLatinText(payment.creditorName, `${label}: mottagarens namn`, NAME_MAX);
  const remittance = toIsoLatinText(payment.remittance, `${label}: meddelande`, REMITTANCE_MAX);
  if (payment.account.kind === 'bank_account') {
    const { clearing, number } = bankAccount(payment.account, `${label}: mottagarkontot`);
    return {
      endToEndId,
      amountOre: payment.amountOre,
      creditorName,
      remittance,
      clearing,
      account: { id: `${clearing}${number}`, scheme: { cd: 'BBAN' } },
    };
  }
  if (payment.account.kind === 'bankgiro') {
    return {
      endToEndId,
      amountOre: payment.amountOre,
      creditorName,
      remittance,
      clearing: BANKGIROT_CLEARING_NUMBER,
      account: {
        id: bankgiroNumber(payment.account.number, `${label}: mottagarkontot`),
        scheme: { prtry: BANKGIRO_SCHEME },
      },
    };
  }
  return fail(`${label}: okänd kontotyp.`);
}

function debtorAccount(account: DebtorAccount): { iban?: string; bankgiro?: string; bic?: string } {
  const bic = account.bic === undefined ? undefined : bicCode(account.bic);
  if (account.kind === 'iban') return { iban: ibanNumber(account.iban), ...(bic ? { bic } : {}) };
  if (account.kind === 'bankgiro') {
    return { bankgiro: bankgiroNumber(account.number, 'Avsändarkontot'), ...(bic ? { bic } : {}) };
  }
  return fail('Avsändarkontot: okänd kontotyp.');
}

/**
 * Writes an ISO 20022 `pain.001.001.09` CustomerCreditTransferInitiation for a batch of social
 * assistance payouts: one PmtInf (the batch has one payment date) with category purpose SSBE and
 * one CdtTrfTxInf per payment. All input is validated before any XML exists; any problem throws
 * `DomainError('validation_failed')` with a Swedish message. See the package README (Payments).
 */
export function buildPain001(batch: PaymentBatch): string {
  const messageId = isoIdentifier(batch.messageId, 'Meddelande-id (MsgId)');
  const createdAt = creationDateTime(batch.createdAt);
  parseIsoDate(batch.paymentDate);
  if (!isWorkingDay(batch.paymentDate)) fail(`Betalningsdagen ${batch.paymentDate} är inte en bankdag.`);
  if (batch.paymentDate < stockholmDate(batch.createdAt)) {
    fail(`Betalningsdagen ${batch.paymentDate} ligger före filens skapandedag.`);
  }
  const debtorName = toIsoLatinText(batch.debtor.name, 'Avsändarens namn', NAME_MAX);
  const orgNumber = parseOrganisationNumber(batch.debtor.orgNumber);
  const account = debtorAccount(batch.debtor.account);
  if (batch.payments.length === 0) fail('Betalfilen måste innehålla minst en betalning.');

  const payments = batch.payments.map(validatePayment);
  const seen = new Set<string>();
  let totalOre = 0;
  for (const p of payments) {
    if (seen.has(p.endToEndId)) fail(`Betalnings-id ${p.endToEndId} förekommer mer än en gång.`);
    seen.add(p.endToEndId);
    totalOre += p.amountOre;
    if (!Number.isSafeInteger(totalOre)) fail('Filens totalbelopp är för stort.');
  }
  const count = String(payments.length);
  const controlSum = oreToDecimal(totalOre);

  const root = create({ version: '1.0', encoding: 'UTF-8' })
    .ele(PAIN001_NAMESPACE, 'Document')
    .ele('CstmrCdtTrfInitn');

  const header = root.ele('GrpHdr');
  text(header, 'MsgId', messageId);
  text(header, 'CreDtTm', createdAt);
  text(header, 'NbOfTxs', count);
  text(header, 'CtrlSum', controlSum);
  const initiatingParty = header.ele('InitgPty');
  text(initiatingParty, 'Nm', debtorName);
  orgIdentification(initiatingParty, orgNumber);

  const info = root.ele('PmtInf');
  text(info, 'PmtInfId', messageId);
  text(info, 'PmtMtd', 'TRF');
  text(info, 'NbOfTxs', count);
  text(info, 'CtrlSum', controlSum);
  text(info.ele('PmtTpInf').ele('CtgyPurp'), 'Cd', SOCIAL_BENEFIT_CATEGORY_PURPOSE);
  text(info.ele('ReqdExctnDt'), 'Dt', batch.paymentDate);
  const debtor = info.ele('Dbtr');
  text(debtor, 'Nm', debtorName);
  orgIdentification(debtor, orgNumber);
  const debtorAcct = info.ele('DbtrAcct');
  if (account.iban) text(debtorAcct.ele('Id'), 'IBAN', account.iban);
  else otherAccount(debtorAcct, account.bankgiro ?? '', { prtry: BANKGIRO_SCHEME });
  text(debtorAcct, 'Ccy', 'SEK');
  const debtorAgent = info.ele('DbtrAgt').ele('FinInstnId');
  if (account.bic) text(debtorAgent, 'BICFI', account.bic);
  else text(debtorAgent.ele('Othr'), 'Id', 'NOTPROVIDED');

  for (const p of payments) {
    const tx = info.ele('CdtTrfTxInf');
    text(tx.ele('PmtId'), 'EndToEndId', p.endToEndId);
    tx.ele('Amt').ele('InstdAmt', { Ccy: 'SEK' }).txt(oreToDecimal(p.amountOre));
    const member = tx.ele('CdtrAgt').ele('FinInstnId').ele('ClrSysMmbId');
    text(member.ele('ClrSysId'), 'Cd', SWEDISH_CLEARING_SYSTEM);
    text(member, 'MmbId', p.clearing);
    text(tx.ele('Cdtr'), 'Nm', p.creditorName);
    otherAccount(tx.ele('CdtrAcct'), p.account.id, p.account.scheme);
    text(tx.ele('RmtInf'), 'Ustrd', p.remittance);
  }
  return root.end({ prettyPrint: true });
}
