import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { CliError } from './errors.ts';

/** Every command takes -h/--help. */
export const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

interface ParsedCommand<T extends ParseArgsOptionsConfig> {
  values: ReturnType<
    typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: true }>
  >['values'];
  positionals: string[];
}

/**
 * node:util parseArgs in strict mode; its errors (unknown option, missing value, stray
 * positional) become CliErrors that point at the command's --help.
 */
export function parseCommandArgs<T extends ParseArgsOptionsConfig>(
  command: string,
  args: string[],
  options: T,
  { maxPositionals = 0 }: { maxPositionals?: number } = {},
): ParsedCommand<T> {
  let parsed: ParsedCommand<T>;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), command);
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new CliError(`Unexpected argument ${JSON.stringify(parsed.positionals[maxPositionals])}`, command);
  }
  return parsed;
}

export function requireOption(command: string, name: string, value: string | undefined): string {
  if (value === undefined || value.trim() === '') throw new CliError(`--${name} is required`, command);
  return value;
}
