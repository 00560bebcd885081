import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './errors.js';

/** The options of one subcommand, as `node:util` `parseArgs` takes them. */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** What {@link parseCommandArgs} returns. */
export interface ParsedArgs {
  /** Option values by name (strings or booleans). */
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  /** The positional arguments. */
  readonly positionals: readonly string[];
}

/**
 * Parses a subcommand's arguments strictly; unknown options and missing values
 * become a {@link CliError} (exit code 2) naming the subcommand.
 *
 * @param args - The arguments after the subcommand name.
 * @param options - The subcommand's options (`help` is added).
 * @returns The values and positionals.
 * @throws CliError (exit 2) for an unknown option or a missing value.
 * @example
 * ```ts
 * parseCommandArgs(['in.jsonl', '-o', 'out.jsonl'], { output: { type: 'string', short: 'o' } });
 * //=> { values: { output: 'out.jsonl' }, positionals: ['in.jsonl'] }
 * ```
 */
export function parseCommandArgs(args: readonly string[], options: OptionSpec): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = /^Unknown option '([^']+)'/.exec(message);
    const short = unknown !== null ? `unknown option ${unknown[1]}` : (message.split(/\.\s|\n/)[0] ?? message);
    throw new CliError(`${short} (see --help)`, 2);
  }
}

/**
 * A string option's value, or undefined.
 * @example
 * ```ts
 * stringValue({ values: { output: 'out.jsonl' }, positionals: [] }, 'output'); //=> 'out.jsonl'
 * ```
 */
export function stringValue(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * A string option that must be one of `allowed`.
 * @throws CliError (exit 2) for any other value.
 * @example
 * ```ts
 * choiceValue(args, 'on-error', ['throw', 'skip'] as const, 'throw'); //=> 'throw' when absent
 * // --on-error fail: CliError 'option --on-error must be one of throw, skip, got "fail"'
 * ```
 */
export function choiceValue<T extends string>(args: ParsedArgs, name: string, allowed: readonly T[], fallback: T): T {
  const v = stringValue(args, name);
  if (v === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(v)) {
    throw new CliError(`option --${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`, 2);
  }
  return v as T;
}

/**
 * An integer option within `[min, max]`, or undefined when absent.
 * @throws CliError (exit 2) for anything else.
 * @example
 * ```ts
 * integerValue(args, 'workers', 0, 256); //=> 4 for --workers 4
 * // --workers -1: CliError 'option --workers must be an integer from 0 to 256, got "-1"'
 * ```
 */
export function integerValue(args: ParsedArgs, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = stringValue(args, name);
  if (v === undefined) return undefined;
  const n = /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new CliError(`option --${name} must be an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ' up'}, got ${JSON.stringify(v)}`, 2);
  }
  return n;
}

/**
 * Exactly `count` positional arguments, named in the error when missing.
 * @throws CliError (exit 2) when there are fewer or more.
 * @example
 * ```ts
 * const [input] = positionalArgs(args, ['input']); // no argument: CliError 'missing argument <input> (see --help)'
 * ```
 */
export function positionalArgs(args: ParsedArgs, names: readonly string[]): string[] {
  if (args.positionals.length < names.length) {
    throw new CliError(`missing argument <${names[args.positionals.length]}> (see --help)`, 2);
  }
  if (args.positionals.length > names.length) {
    throw new CliError(`unexpected argument ${JSON.stringify(args.positionals[names.length])} (see --help)`, 2);
  }
  return [...args.positionals];
}
