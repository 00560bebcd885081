#!/usr/bin/env node
/**
 * The `srl` command: `srl prompts`, `srl score`, `srl serve`, `srl inspect`.
 * See `docs/cli.md`.
 *
 * @module cli
 */
import { inspectCommand } from './commands/inspect.js';
import { promptsCommand } from './commands/prompts.js';
import { scoreCommand } from './commands/score.js';
import { serveCommand } from './commands/serve.js';
import { CliError, errorLine, exitCodeOf } from './errors.js';

const HELP = `Usage: srl <command> [options]

Supervised Reinforcement Learning tools (srl-kit).

Commands:
  prompts <input> -o <output>   trajectories -> step prompts (TRL/verl, JSONL or Parquet)
  score <rollouts.jsonl>        add step rewards to rollouts
  serve                         start the HTTP reward server
  inspect <file>                counts and length histograms

Run "srl <command> --help" for a command's options.
`;

const COMMANDS: Readonly<Record<string, (argv: readonly string[]) => Promise<void>>> = {
  prompts: promptsCommand,
  score: scoreCommand,
  serve: serveCommand,
  inspect: inspectCommand,
};

/**
 * Runs the command line; errors become one line on stderr and a non-zero exit code.
 * @param argv - The arguments after the program name.
 * @example
 * ```ts
 * await main(['inspect', 'train.parquet']); // as `srl inspect train.parquet`
 * ```
 */
export async function main(argv: readonly string[]): Promise<void> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      process.stdout.write(HELP);
      if (name === undefined) process.exitCode = 2;
      return;
    }
    const command = COMMANDS[name];
    if (command === undefined) throw new CliError(`unknown command ${JSON.stringify(name)}; commands: ${Object.keys(COMMANDS).join(', ')}`, 2);
    await command(rest);
  } catch (error) {
    process.stderr.write(`${errorLine(name !== undefined && name in COMMANDS ? name : '', error)}\n`);
    process.exitCode = exitCodeOf(error);
  }
}

// Broken pipes (`srl score ... | head`) end quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});

void main(process.argv.slice(2));
