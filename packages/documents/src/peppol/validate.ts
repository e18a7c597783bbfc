/**
 * Peppol BIS Billing 3.0 validation for tests and dev tools (saxon-js is a devDependency).
 * Not exported from the package barrel; import `@samverkan/documents/peppol-validation`.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { ensurePeppolSef } from './validation/sef-cache.ts';

export {
  ensurePeppolSef,
  ensureSchematronSef,
  peppolRuleFiles,
  sefCacheDir,
} from './validation/sef-cache.ts';

export type RuleSet = 'cen' | 'peppol';

export interface Finding {
  /** Rule id, e.g. `BR-CO-15`, `PEPPOL-EN16931-R003`, `SE-R-013`. */
  readonly id: string;
  /** `fatal` or `warning` as the rule file declares it. */
  readonly flag: string;
  readonly text: string;
  /** XPath of the failing node, namespaces stripped (`/Invoice[1]/LegalMonetaryTotal[1]`). */
  readonly location: string;
  readonly ruleSet: RuleSet;
}

export interface ValidationResult {
  readonly fatal: Finding[];
  readonly warnings: Finding[];
}

interface SaxonTransformResult {
  principalResult: unknown;
}
interface SaxonJsApi {
  transform(options: {
    stylesheetInternal: unknown;
    sourceText: string;
    destination: 'document';
  }): SaxonTransformResult;
  XPath: {
    evaluate(
      xpath: string,
      context: unknown,
      options: { namespaceContext: Record<string, string>; resultForm: 'array' },
    ): unknown;
  };
}

const saxon = createRequire(import.meta.url)('saxon-js') as SaxonJsApi;

let loaded: Promise<Record<RuleSet, unknown>> | undefined;

async function loadStylesheets(): Promise<Record<RuleSet, unknown>> {
  const paths = await ensurePeppolSef();
  // JSON.parse, not SaxonJS.getResource: the latter rejects these SEF files ("does not have correct format").
  const [cen, peppol] = await Promise.all([readFile(paths.cen, 'utf8'), readFile(paths.peppol, 'utf8')]);
  return { cen: JSON.parse(cen) as unknown, peppol: JSON.parse(peppol) as unknown };
}

const FAILED_ASSERTS = `//svrl:failed-assert ! map {
  'id': string(@id), 'flag': string(@flag), 'location': string(@location), 'text': normalize-space(svrl:text) }`;

/** Both location styles (`Q{ns}Invoice[1]` from path(), `*:Invoice[namespace-uri()='ns'][1]` from the CEN XSLT) → `Invoice[1]`. */
const readableLocation = (location: string): string =>
  location
    .replace(/Q\{[^}]*\}/g, '')
    .replace(/\*:/g, '')
    .replace(/\[namespace-uri\(\)='[^']*'\]/g, '');

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

function runRuleSet(stylesheet: unknown, ruleSet: RuleSet, xml: string): Finding[] {
  const result = saxon.transform({
    stylesheetInternal: stylesheet,
    sourceText: xml,
    destination: 'document',
  });
  const items = saxon.XPath.evaluate(FAILED_ASSERTS, result.principalResult, {
    namespaceContext: { svrl: 'http://purl.oclc.org/dsdl/svrl' },
    resultForm: 'array',
  });
  if (!Array.isArray(items)) return [];
  return items.filter(isRecord).map((item) => ({
    id: str(item.id),
    flag: str(item.flag),
    text: str(item.text),
    location: readableLocation(str(item.location)),
    ruleSet,
  }));
}

const parsedSef = new Map<string, unknown>();

/** Failed asserts of one compiled rule set (a SEF file) on one document; for tools and regression checks. */
export async function runCompiledRules(
  sefPath: string,
  xml: string,
  ruleSet: RuleSet = 'cen',
): Promise<Finding[]> {
  let stylesheet = parsedSef.get(sefPath);
  if (stylesheet === undefined) {
    stylesheet = JSON.parse(await readFile(sefPath, 'utf8')) as unknown;
    parsedSef.set(sefPath, stylesheet);
  }
  return runRuleSet(stylesheet, ruleSet, xml);
}

/**
 * Validates a UBL Invoice or CreditNote against BOTH rule sets: the CEN EN 16931 UBL rules (the
 * official pre-compiled XSLT) and the Peppol BIS 3.0 rules (incl. national rules such as SE-R-*),
 * compiled from the vendored Schematron. A document is valid when `fatal` is empty.
 */
export async function validatePeppol(xml: string): Promise<ValidationResult> {
  loaded ??= loadStylesheets().catch((error: unknown) => {
    loaded = undefined;
    throw error;
  });
  const stylesheets = await loaded;
  const findings = [
    ...runRuleSet(stylesheets.cen, 'cen', xml),
    ...runRuleSet(stylesheets.peppol, 'peppol', xml),
  ];
  return {
    fatal: findings.filter((f) => f.flag === 'fatal'),
    warnings: findings.filter((f) => f.flag !== 'fatal'),
  };
}
