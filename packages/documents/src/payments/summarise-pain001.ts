import { DomainError } from '@samverkan/domain';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { PAIN001_NAMESPACE } from './build-pain001.ts';
import type { Pain001Summary } from './payment-batch.ts';

function fail(message: string): never {
  throw new DomainError('validation_failed', `Betalfilen: ${message}`);
}

const localName = (b: XMLBuilder): string => b.node.nodeName.replace(/^[^:]*:/, '');
const children = (parent: XMLBuilder, name: string): XMLBuilder[] =>
  parent.filter((c) => c.node.nodeType === 1 && localName(c) === name, false, false);

function child(parent: XMLBuilder, path: string): XMLBuilder {
  let current = parent;
  for (const name of path.split('/')) {
    const found = children(current, name);
    if (found.length !== 1 || found[0] === undefined) {
      return fail(`${localName(current)}/${name} ska förekomma exakt en gång.`);
    }
    current = found[0];
  }
  return current;
}

const textOf = (parent: XMLBuilder, path: string): string =>
  (child(parent, path).node.textContent ?? '').trim();

interface WithAttributes {
  getAttribute(name: string): string | null;
}
const hasAttributes = (node: object): node is WithAttributes =>
  'getAttribute' in node && typeof node.getAttribute === 'function';

/** '1234.50' → 123450 öre, exactly (no floating point); at most two decimals. */
function decimalToOre(value: string, field: string): number {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(value);
  if (!m) return fail(`${field} (${value}) är inte ett belopp med högst två decimaler.`);
  const ore = Number(m[1] ?? '') * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(ore)) return fail(`${field} är för stort.`);
  return ore;
}

/**
 * Reads a pain.001.001.09 file back (ours, or one about to be sent) and checks it adds up:
 * NbOfTxs and CtrlSum in the group header and in every PmtInf must match the transactions, every
 * amount must be SEK, and all PmtInf must share one requested execution date. Count and total are
 * computed from the transactions. Throws `DomainError('validation_failed')` when the file is not
 * such a document or does not add up.
 */
export function summarisePain001(xml: string): Pain001Summary {
  let document: XMLBuilder;
  try {
    document = create(xml).root();
  } catch {
    return fail('filen är inte giltig XML.');
  }
  const rootName = document.node.nodeName;
  const prefix = rootName.includes(':') ? rootName.slice(0, rootName.indexOf(':')) : null;
  if (localName(document) !== 'Document' || document.node.lookupNamespaceURI(prefix) !== PAIN001_NAMESPACE) {
    fail(`rotelementet ska vara Document i namnrymden ${PAIN001_NAMESPACE}.`);
  }
  const initiation = child(document, 'CstmrCdtTrfInitn');
  const header = child(initiation, 'GrpHdr');
  const messageId = textOf(header, 'MsgId');

  const infos = children(initiation, 'PmtInf');
  if (infos.length === 0) fail('filen saknar PmtInf.');
  const dates = new Set<string>();
  const endToEndIds: string[] = [];
  let totalOre = 0;
  for (const info of infos) {
    dates.add(textOf(info, 'ReqdExctnDt/Dt'));
    let infoOre = 0;
    const transactions = children(info, 'CdtTrfTxInf');
    for (const tx of transactions) {
      const id = textOf(tx, 'PmtId/EndToEndId');
      const amount = child(tx, 'Amt/InstdAmt');
      const currency = hasAttributes(amount.node) ? amount.node.getAttribute('Ccy') : null;
      if (currency !== 'SEK') fail(`betalning ${id} har valutan ${currency ?? '(saknas)'}, inte SEK.`);
      infoOre += decimalToOre((amount.node.textContent ?? '').trim(), `beloppet för ${id}`);
      endToEndIds.push(id);
    }
    if (transactions.length === 0) fail(`PmtInf ${textOf(info, 'PmtInfId')} saknar betalningar.`);
    if (children(info, 'NbOfTxs').length > 0 && textOf(info, 'NbOfTxs') !== String(transactions.length)) {
      fail(`NbOfTxs i PmtInf ${textOf(info, 'PmtInfId')} stämmer inte med antalet betalningar.`);
    }
    if (
      children(info, 'CtrlSum').length > 0 &&
      decimalToOre(textOf(info, 'CtrlSum'), 'CtrlSum') !== infoOre
    ) {
      fail(`CtrlSum i PmtInf ${textOf(info, 'PmtInfId')} stämmer inte med summan av betalningarna.`);
    }
    totalOre += infoOre;
  }
  if (textOf(header, 'NbOfTxs') !== String(endToEndIds.length)) {
    fail('NbOfTxs i grupphuvudet stämmer inte med antalet betalningar.');
  }
  if (
    children(header, 'CtrlSum').length > 0 &&
    decimalToOre(textOf(header, 'CtrlSum'), 'CtrlSum') !== totalOre
  ) {
    fail('CtrlSum i grupphuvudet stämmer inte med summan av betalningarna.');
  }
  const [paymentDate] = [...dates];
  if (dates.size !== 1 || paymentDate === undefined) fail('alla betalningar ska ha samma betalningsdag.');
  return { messageId, count: endToEndIds.length, totalOre, paymentDate, endToEndIds };
}
