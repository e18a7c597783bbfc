import { readFileSync } from 'node:fs';

export interface UnitTest {
  /** Rule ids that must not fail. */
  readonly success: string[];
  /** Rule ids that must fail with flag fatal. */
  readonly error: string[];
  /** Rule ids that must fail with flag warning. */
  readonly warning: string[];
  readonly xml: string;
}

export interface UnitTestSet {
  readonly scope: string;
  readonly tests: UnitTest[];
}

const ids = (block: string, kind: string): string[] =>
  [...block.matchAll(new RegExp(`<${kind}>([^<]+)</${kind}>`, 'g'))].map((m) => (m[1] ?? '').trim());

/** Reads an upstream vefa "testSet" file: one `<test>` per UBL document with its expected rule outcomes. */
export function readUnitTestSet(path: string): UnitTestSet {
  const text = readFileSync(path, 'utf8').replace(/<!--[\s\S]*?-->/g, '');
  const scope = /<scope>([^<]+)<\/scope>/.exec(text)?.[1]?.trim() ?? '';
  const tests = [...text.matchAll(/<test>([\s\S]*?)<\/test>/g)].map((m) => {
    const body = m[1] ?? '';
    const assertBlock = /<assert>([\s\S]*?)<\/assert>/.exec(body)?.[1] ?? '';
    const doc = /<(Invoice|CreditNote)[\s>][\s\S]*<\/\1>/.exec(body)?.[0] ?? '';
    return {
      success: ids(assertBlock, 'success'),
      error: ids(assertBlock, 'error'),
      warning: ids(assertBlock, 'warning'),
      xml: `<?xml version="1.0" encoding="UTF-8"?>\n${doc}`,
    };
  });
  return { scope, tests };
}
