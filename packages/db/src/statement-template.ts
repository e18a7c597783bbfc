import type { CompiledQuery } from 'kysely';

/**
 * A statement built and compiled once, run many times with new values for its named parameters.
 * For statements on the hot path (the robot's read and write, per tenant): building and compiling
 * a query through kysely on every run cost more Node CPU than the rest of the run.
 *
 * `build` receives one placeholder value per name and must use each exactly once as a value
 * (e.g. ``sql`${p.rows}::jsonb` `` or `.where('id', '=', p.id)`); the compiled query keeps
 * its text, and `bind` puts the given values where the placeholders were.
 */
export function statementTemplate<P extends string, R>(
  names: readonly P[],
  build: (placeholders: Readonly<Record<P, unknown>>) => CompiledQuery<R>,
): (values: Readonly<Record<P, unknown>>) => CompiledQuery<R> {
  const placeholders = Object.fromEntries(
    names.map((name) => [name, { statementParameter: name }]),
  ) as Record<P, unknown>;
  const query = build(placeholders);
  const slots = names.map((name) => {
    const index = query.parameters.indexOf(placeholders[name]);
    if (index < 0 || query.parameters.lastIndexOf(placeholders[name]) !== index) {
      throw new Error(`statementTemplate: parameter ${name} must be used exactly once`);
    }
    return [name, index] as const;
  });
  return (values) => {
    const parameters = [...query.parameters];
    for (const [name, index] of slots) parameters[index] = values[name];
    return { ...query, parameters };
  };
}
