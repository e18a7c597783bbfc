import { z } from 'zod';
import { DomainError, type DomainErrorCode } from '../errors.ts';

/** One validation problem, `path` dotted ('rentCeilings.rows.1.maxRentOre'; '' for the root). */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

const swedishErrorMap = z.locales.sv().localeError;

export const issuePath = (path: readonly PropertyKey[]): string => path.map((p) => String(p)).join('.');

/**
 * Parses `input` with `schema` (Swedish zod messages, no global zod config touched) and throws
 * DomainError(code, message, { issues }) on failure.
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  code: DomainErrorCode,
  message: string,
): z.output<S> {
  const result = schema.safeParse(input, { error: swedishErrorMap });
  if (result.success) return result.data;
  const issues: ValidationIssue[] = result.error.issues.flatMap((i) =>
    // One issue per unknown key, pointing at the key itself.
    i.code === 'unrecognized_keys'
      ? i.keys.map((key) => ({ path: issuePath([...i.path, key]), message: 'Okänd nyckel.' }))
      : [{ path: issuePath(i.path), message: i.message }],
  );
  throw new DomainError(code, message, { issues });
}

/** A non-negative amount in integer öre (safe integer range). */
export const oreSchema = z.int().nonnegative();

/** A real calendar date in ISO form YYYY-MM-DD. */
export const isoDateSchema = z.iso.date();
