import { constants, type Stats } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CliError, fsReason } from './errors.js';

interface FsError extends Error {
  readonly code?: string;
}


/** The stats of `path` (following links), or undefined when nothing is there. */
async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as FsError).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Checks that an input of a command is a readable file, before anything is read or
 * written: a missing file, a directory or an unreadable file is a {@link CliError}
 * (exit code 1) naming it.
 *
 * @param path - The input, as given.
 * @throws CliError `<path>: no such file or directory`, `<path>: is a directory, expected a file`, `<path>: permission denied`.
 * @example
 * ```ts
 * await checkInputFile('rollouts.jsonl'); // a folder: CliError 'rollouts.jsonl: is a directory, expected a file'
 * ```
 */
export async function checkInputFile(path: string): Promise<void> {
  let stats: Stats | undefined;
  try {
    stats = await statOrUndefined(path);
    if (stats?.isDirectory() === true) throw new CliError(`${path}: is a directory, expected a file`, 1);
    if (stats !== undefined) await access(path, constants.R_OK);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${path}: ${fsReason(error as FsError)}`, 1);
  }
  if (stats === undefined) throw new CliError(`${path}: no such file or directory`, 1);
}

/**
 * Checks the `-o` path of a command before anything is read or written, so that a
 * run never ends in an error it could have given at once, or destroys its input. Each
 * problem is a {@link CliError} with exit code 2 (bad usage), one line naming the path:
 *
 * - `-o <out>: the folder <dir> does not exist` / `-o <out>: <dir> is not a folder`;
 * - `-o <out>: is a directory, expected a file path`;
 * - `refusing to write -o <out> over the input <in>`: the output is one of the inputs,
 *   by name, through a symbolic link, or as a hard link (the same device and inode).
 *
 * @param output - The `-o` path.
 * @param inputs - The files the command reads.
 * @throws CliError (exit 2) as above.
 * @example
 * ```ts
 * await checkOutputPath('scored.jsonl', ['rollouts.jsonl']);
 * await checkOutputPath('good.jsonl', ['good.jsonl']);
 * // CliError 'refusing to write -o good.jsonl over the input good.jsonl: it would replace it; choose another -o'
 * ```
 */
export async function checkOutputPath(output: string, inputs: readonly string[]): Promise<void> {
  const parent = dirname(resolve(output));
  const folder = await statOrUndefined(parent).catch(() => undefined);
  if (folder === undefined) {
    // The nearest missing folder, or a file where a folder should be.
    let missing = dirname(output);
    for (let up = dirname(missing); up !== missing; up = dirname(up)) {
      const s = await statOrUndefined(up).catch(() => undefined);
      if (s !== undefined) {
        if (!s.isDirectory()) throw new CliError(`-o ${output}: ${up} is not a folder`, 2);
        break;
      }
      missing = up;
    }
    throw new CliError(`-o ${output}: the folder ${missing} does not exist`, 2);
  }
  if (!folder.isDirectory()) throw new CliError(`-o ${output}: ${dirname(output)} is not a folder`, 2);
  const target = await statOrUndefined(output).catch(() => undefined);
  if (target === undefined) return;
  if (target.isDirectory()) throw new CliError(`-o ${output}: is a directory, expected a file path`, 2);
  const real = await realpath(output).catch(() => resolve(output));
  for (const input of inputs) {
    const s = await statOrUndefined(input).catch(() => undefined);
    if (s === undefined) continue;
    const inputReal = await realpath(input).catch(() => resolve(input));
    const sameInode = s.ino !== 0 && s.dev === target.dev && s.ino === target.ino;
    if (inputReal === real || sameInode) {
      const how = resolve(input) === resolve(output) ? '' : ' (the same file, through a link)';
      throw new CliError(`refusing to write -o ${output} over the input ${input}${how}: it would replace it; choose another -o`, 2);
    }
  }
}

/** The output formats of `srl prompts` and `srl score`. */
export type OutputFormat = 'jsonl' | 'parquet';

/**
 * The format an output path's extension names: `.jsonl`, `.ndjson` (optionally
 * `.gz`) for JSON Lines, `.parquet` for Parquet; anything else (`.csv`,
 * `.parquet.gz`) is a {@link CliError} with exit code 2.
 *
 * @param output - The `-o` path.
 * @param alternatives - How the error lists what is accepted.
 * @returns The format.
 * @throws CliError `cannot tell the output format of <output>: use <alternatives>`.
 * @example
 * ```ts
 * outputFormatOf('train.jsonl.gz', '.jsonl, .jsonl.gz or .parquet'); //=> 'jsonl'
 * outputFormatOf('train.csv', '.jsonl, .jsonl.gz or .parquet');      // CliError (exit 2)
 * ```
 */
export function outputFormatOf(output: string, alternatives: string): OutputFormat {
  if (/\.parquet$/i.test(output)) return 'parquet';
  if (/\.(jsonl|ndjson)(\.gz)?$/i.test(output)) return 'jsonl';
  throw new CliError(`cannot tell the output format of ${output}: use ${alternatives}`, 2);
}
