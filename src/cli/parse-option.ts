import { parseStepOutput, type ParseStepOutputOptions } from '../reward/index.js';
import { CliError } from './errors.js';

/**
 * `--parse <json>`: the step-format rules (`parseStepOutput`'s options, JSON-safe:
 * `unwrapAction` by name), checked by `parseStepOutput`'s own rules; a usage error
 * (exit code 2) naming the option otherwise.
 * @param text - The option's value, or undefined when it was not given.
 * @returns The options, or undefined.
 * @example
 * ```ts
 * parseOptionValue('{"thinkTag":"reasoning"}'); //=> { thinkTag: 'reasoning' }
 * ```
 */
export function parseOptionValue(text: string | undefined): ParseStepOutputOptions | undefined {
  if (text === undefined) return undefined;
  const json = jsonObjectOption('parse', text);
  try {
    parseStepOutput('', json as ParseStepOutputOptions);
  } catch (err) {
    throw new CliError(`option --parse: ${(err as Error).message.replace(/^parseStepOutput: /, '')}`, 2);
  }
  return json as ParseStepOutputOptions;
}

/**
 * The value of a JSON-object option (`--parse`, `--scoring`): parsed, and an object; a usage
 * error (exit code 2) naming the option otherwise.
 * @param name - The option, without dashes.
 * @param text - Its value.
 * @returns The object.
 * @example
 * ```ts
 * jsonObjectOption('scoring', '{"metric":"lcs"}'); //=> { metric: 'lcs' }
 * ```
 */
export function jsonObjectOption(name: string, text: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CliError(`option --${name} must be a JSON object: ${(err as Error).message}`, 2);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new CliError(`option --${name} must be a JSON object, got ${text}`, 2);
  return json as Record<string, unknown>;
}
