import { findMunicipality, type InvoiceRow, platform, type RootDb } from '@samverkan/db';
import {
  buildUbl,
  type InvoiceParty,
  type InvoicePdfDocument,
  type InvoiceSpecificationSection,
  type VatSetting,
} from '@samverkan/documents';
import { addDays, DomainError } from '@samverkan/domain';
import { recordAudit } from '../audit/record-audit.ts';
import { type Ctx, stockholmToday } from '../context.ts';
import { parsePeriod, periodText } from './billing-math.ts';
import type { StoredLine } from './compose.ts';
import { actorName, loadAgreement, lockKey, pgCode, requireHost } from './shared.ts';
import type { BillingTerms } from './terms.ts';

const STALE =
  'Utkastet är inaktuellt: något av det som faktureras har redan fakturerats. Kör om perioden och granska utkastet igen.';

/** Name, organisation number and address as they go on the invoice. */
async function partyOf(db: RootDb, code: string, role: 'seller' | 'buyer') {
  const m = await findMunicipality(platform(db), code);
  if (!m) throw new DomainError('not_found', `Kommun ${code} finns inte.`);
  const profile = await platform(db)
    .selectFrom('billingProfiles')
    .selectAll()
    .where('municipalityCode', '=', code)
    .executeTakeFirst();
  if (!m.organisationNumber) {
    throw new DomainError(
      'invalid_state',
      role === 'buyer'
        ? `${m.name} saknar organisationsnummer, som krävs som mottagaradress (Peppol) på fakturan. Ange det under faktureringsuppgifter innan fakturan utfärdas.`
        : `${m.name} saknar organisationsnummer och kan inte utfärda fakturor.`,
      { missing: `${role}.organisationNumber`, municipalityCode: code },
    );
  }
  // Without a billing profile, the postal code and town are read from the registry address.
  const fallback = /(\d{3}) ?(\d{2}) +([^,]+)$/.exec(m.postalAddress ?? '');
  const party: InvoiceParty = {
    name: m.name,
    orgNumber: m.organisationNumber,
    countryCode: 'SE',
    ...(profile?.street ? { street: profile.street } : {}),
    ...(profile?.postalZone
      ? { postalZone: profile.postalZone }
      : fallback
        ? { postalZone: `${fallback[1]}${fallback[2]}` }
        : {}),
    ...(profile?.city ? { city: profile.city } : fallback ? { city: (fallback[3] as string).trim() } : {}),
    ...(profile?.contactEmail ? { contact: { email: profile.contactEmail } } : {}),
  };
  return { party, bankgiro: profile?.bankgiro ?? null, name: m.name };
}

function vatOf(terms: BillingTerms): VatSetting {
  if (terms.vatCategory === 'S') return { category: 'S', ratePercent: terms.vatRatePercent ?? 25 };
  if (terms.vatCategory === 'E') return { category: 'E', exemptionReason: terms.vatExemptionReason ?? '' };
  return terms.vatExemptionReason
    ? { category: 'O', exemptionReason: terms.vatExemptionReason }
    : { category: 'O' };
}

const withoutCategory = ({ category: _c, ...line }: StoredLine) => line;

/**
 * Issues a draft invoice or credit note: in ONE transaction it takes the next number of the
 * issuer's series from the counter row (locked FOR UPDATE, so concurrent issues queue and a
 * rollback leaves no gap), freezes the document and its Peppol UBL, and marks what it billed
 * (variable costs, assistance ranges) so nothing can be billed twice. A credit note that brings
 * the credited total up to the invoice's total marks the invoice credited and releases what it
 * billed, so the period can be invoiced anew.
 */
export async function issueInvoice(ctx: Ctx, invoiceId: string): Promise<InvoiceRow> {
  const host = await requireHost(ctx, 'billing.issue_invoice');
  const issuedBy = actorName(ctx);
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const p = platform(trx);
      const draft = await p
        .selectFrom('invoices')
        .selectAll()
        .where('invoiceId', '=', invoiceId)
        .where('buyerCode', '=', ctx.tenant.code)
        .where('issuerCode', '=', host.hostCode)
        .forUpdate()
        .executeTakeFirst();
      if (!draft) throw new DomainError('not_found', 'Fakturan finns inte.');
      if (draft.status !== 'draft')
        throw new DomainError('conflict', `Fakturan är redan utfärdad med nummer ${draft.number}.`);
      const agreement = await loadAgreement(trx, draft.agreementId, ctx.tenant.code);
      const terms = draft.terms as unknown as BillingTerms;
      const seller = await partyOf(trx, draft.issuerCode, 'seller');
      const buyer = await partyOf(trx, draft.buyerCode, 'buyer');
      if (!seller.bankgiro) {
        throw new DomainError(
          'invalid_state',
          `${seller.name} saknar bankgironummer för inbetalningar. Ange det under faktureringsuppgifter.`,
          { missing: 'seller.bankgiro' },
        );
      }

      let original: InvoiceRow | undefined;
      let creditedBefore = 0;
      if (draft.kind === 'credit_note') {
        original = await p
          .selectFrom('invoices')
          .selectAll()
          .where('invoiceId', '=', draft.creditedInvoiceId as string)
          .forUpdate()
          .executeTakeFirstOrThrow();
        if (original.status !== 'issued')
          throw new DomainError('invalid_state', `Faktura ${original.number} är redan krediterad.`);
        creditedBefore = await creditedTotal(trx, original.invoiceId);
        if (creditedBefore + draft.totalOre > original.totalOre) {
          throw new DomainError(
            'invalid_state',
            'Kreditfakturan är större än det som återstår att kreditera på fakturan.',
          );
        }
      }

      const issueDate = stockholmToday(ctx.now());
      const seriesYear = Number(issueDate.slice(0, 4));
      // The gap-free series: the counter row is locked until this transaction ends.
      await p
        .insertInto('invoiceNumberSeries')
        .values({ issuerCode: draft.issuerCode, seriesYear })
        .onConflict((oc) => oc.columns(['issuerCode', 'seriesYear']).doNothing())
        .execute();
      const series = await p
        .selectFrom('invoiceNumberSeries')
        .select('lastNumber')
        .where('issuerCode', '=', draft.issuerCode)
        .where('seriesYear', '=', seriesYear)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const sequenceNumber = series.lastNumber + 1;
      await p
        .updateTable('invoiceNumberSeries')
        .set({ lastNumber: sequenceNumber })
        .where('issuerCode', '=', draft.issuerCode)
        .where('seriesYear', '=', seriesYear)
        .execute();
      const number = `${seriesYear}-${String(sequenceNumber).padStart(6, '0')}`;
      const dueDate = draft.kind === 'invoice' ? addDays(issueDate, terms.paymentTermsDays) : null;

      const period = parsePeriod(draft.periodLabel);
      const lines = draft.lines as unknown as StoredLine[];
      const document: InvoicePdfDocument = {
        kind: draft.kind,
        number,
        issueDate,
        ...(dueDate ? { dueDate } : {}),
        currency: 'SEK',
        buyerReference: terms.buyerReference,
        contractReference: agreement.agreementId,
        invoicePeriod: { start: draft.periodStart, end: draft.periodEnd },
        ...(original?.number && original.issueDate
          ? { precedingInvoice: { number: original.number, issueDate: original.issueDate } }
          : {}),
        note:
          draft.kind === 'invoice'
            ? `Avtalssamverkan enligt KL 9 kap. 37 §, ${periodText(period)}. Självkostnad; rörliga kostnader till självkostnad.`
            : `Kreditering av faktura ${original?.number}: ${draft.creditReason}`,
        seller: seller.party,
        buyer: buyer.party,
        paymentMeans: { bankgiro: seller.bankgiro, paymentId: number.replace('-', '') },
        paymentTermsNote:
          draft.kind === 'invoice'
            ? `Betalning inom ${terms.paymentTermsDays} dagar`
            : 'Krediteras mot kommande faktura eller betalas tillbaka',
        vat: vatOf(terms),
        lines: lines.map(withoutCategory),
        specification: draft.specification as unknown as InvoiceSpecificationSection[],
      };
      const ublXml = buildUbl(document);

      if (draft.kind === 'invoice') {
        if (draft.variableCostIds.length > 0) {
          const marked = await p
            .updateTable('variableCosts')
            .set({ invoiceId: draft.invoiceId })
            .where('variableCostId', 'in', draft.variableCostIds)
            .where('invoiceId', 'is', null)
            .executeTakeFirst();
          if (Number(marked.numUpdatedRows) !== draft.variableCostIds.length)
            throw new DomainError('conflict', STALE);
        }
        const ranges = draft.assistanceMonths as unknown as {
          month: string;
          fromOre: number;
          toOre: number;
        }[];
        if (ranges.length > 0) {
          await p
            .insertInto('reinvoicedAssistance')
            .values(ranges.map((r) => ({ ...r, invoiceId: draft.invoiceId, agreementId: draft.agreementId })))
            .execute();
        }
      }

      const issued = await p
        .updateTable('invoices')
        .set({
          status: 'issued',
          seriesYear,
          sequenceNumber,
          number,
          issueDate,
          dueDate,
          document: JSON.stringify(document),
          ublXml,
          issuedBy,
          issuedAt: ctx.now(),
          updatedAt: ctx.now(),
        })
        .where('invoiceId', '=', draft.invoiceId)
        .returningAll()
        .executeTakeFirstOrThrow();

      let fullyCredited = false;
      if (original && creditedBefore + draft.totalOre === original.totalOre) {
        fullyCredited = true;
        await p
          .updateTable('invoices')
          .set({ status: 'credited', creditedAt: ctx.now() })
          .where('invoiceId', '=', original.invoiceId)
          .execute();
        // What the credited invoice billed is free to be billed again by a new run.
        await p
          .updateTable('variableCosts')
          .set({ invoiceId: null })
          .where('invoiceId', '=', original.invoiceId)
          .execute();
        await p
          .updateTable('reinvoicedAssistance')
          .set({ active: false })
          .where('invoiceId', '=', original.invoiceId)
          .execute();
      }
      await recordAudit(
        ctx,
        {
          action: draft.kind === 'invoice' ? 'billing.issue_invoice' : 'billing.issue_credit_note',
          objectType: draft.kind,
          objectId: draft.invoiceId,
          detail: {
            number,
            totalOre: draft.totalOre,
            ...(original ? { credits: original.number, fullyCredited } : {}),
          },
        },
        trx,
      );
      return issued;
    });
  } catch (error) {
    // 23P01: another invoice billed the same assistance first; 23505: a number or period race.
    if (pgCode(error) === '23P01' || pgCode(error) === '23505') throw new DomainError('conflict', STALE);
    throw error;
  }
}

async function creditedTotal(db: RootDb, invoiceId: string): Promise<number> {
  const row = await platform(db)
    .selectFrom('invoices')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('totalOre'), eb.lit(0)).as('sum'))
    .where('creditedInvoiceId', '=', invoiceId)
    .where('status', '=', 'issued')
    .executeTakeFirstOrThrow();
  return Number(row.sum);
}

export interface CreditNoteInput {
  reason: string;
  /** Omitted: credit the whole invoice (every line). Given: a partial credit of these amounts. */
  lines?: { description: string; amountOre: number }[];
}

/**
 * A draft credit note (381) against an issued invoice: the whole invoice, or the given lines.
 * It gets its number when issued, from the same series as invoices. At most one draft per invoice.
 */
export async function createCreditNote(
  ctx: Ctx,
  invoiceId: string,
  input: CreditNoteInput,
): Promise<InvoiceRow> {
  const host = await requireHost(ctx, 'billing.create_credit_note');
  const reason = input.reason.trim();
  if (!reason) throw new DomainError('validation_failed', 'Ange skälet till krediteringen.');
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      await lockKey(trx, `billing:credit:${invoiceId}`);
      const p = platform(trx);
      const original = await p
        .selectFrom('invoices')
        .selectAll()
        .where('invoiceId', '=', invoiceId)
        .where('buyerCode', '=', ctx.tenant.code)
        .where('issuerCode', '=', host.hostCode)
        .where('kind', '=', 'invoice')
        .executeTakeFirst();
      if (!original) throw new DomainError('not_found', 'Fakturan finns inte.');
      if (original.status !== 'issued')
        throw new DomainError(
          'invalid_state',
          original.status === 'draft'
            ? 'Ett utkast krediteras inte: kör om perioden i stället.'
            : `Faktura ${original.number} är redan helt krediterad.`,
        );
      const remaining = original.totalOre - (await creditedTotal(trx, original.invoiceId));
      const originalLines = original.lines as unknown as StoredLine[];
      const lines: StoredLine[] = input.lines
        ? input.lines.map((l, i) => {
            if (!Number.isSafeInteger(l.amountOre) || l.amountOre <= 0)
              throw new DomainError('validation_failed', 'Belopp ska vara hela ören större än noll.', {
                issues: [{ path: `lines.${i}.amountOre`, message: 'heltal öre > 0' }],
              });
            return {
              id: String(i + 1),
              category: 'correction',
              description: `Kreditering: ${l.description.trim()}`,
              quantity: '1',
              unitCode: 'LS',
              unitPriceOre: l.amountOre,
              lineTotalOre: l.amountOre,
            };
          })
        : originalLines.map((l) => ({ ...l, description: `Kreditering: ${l.description}` }));
      const totalOre = lines.reduce((s, l) => s + l.lineTotalOre, 0);
      if (totalOre > remaining) {
        throw new DomainError(
          'validation_failed',
          `Krediteringen (${totalOre} öre) är större än det som återstår att kreditera (${remaining} öre).`,
          { issues: [{ path: 'lines', message: 'summan överstiger det som återstår' }] },
        );
      }
      const specification: InvoiceSpecificationSection[] = [
        {
          heading: 'Kreditering',
          rows: lines.map((l) => ({ label: l.description, amountOre: l.lineTotalOre })),
        },
      ];
      const note = await p
        .insertInto('invoices')
        .values({
          kind: 'credit_note',
          agreementId: original.agreementId,
          issuerCode: original.issuerCode,
          buyerCode: original.buyerCode,
          periodStart: original.periodStart,
          periodEnd: original.periodEnd,
          periodLabel: original.periodLabel,
          creditedInvoiceId: original.invoiceId,
          creditReason: reason.slice(0, 500),
          totalOre,
          lines: JSON.stringify(lines),
          specification: JSON.stringify(specification),
          terms: JSON.stringify(original.terms),
          createdBy: actorName(ctx),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(
        ctx,
        {
          action: 'billing.create_credit_note',
          objectType: 'credit_note',
          objectId: note.invoiceId,
          detail: { credits: original.number, totalOre, full: !input.lines },
        },
        trx,
      );
      return note;
    });
  } catch (error) {
    if (pgCode(error) === '23505')
      throw new DomainError('conflict', 'Det finns redan ett utkast till kreditfaktura för fakturan.');
    throw error;
  }
}
