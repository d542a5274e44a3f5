// The shape of a CLI subcommand and the parser that turns argv into its options (node's util.parseArgs).
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
  /** True when stderr is a terminal: progress bars are drawn only then. */
  interactive: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface Invocation {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  /** Everything after a bare `--`. */
  rest: string[];
  io: CliIO;
}

export interface CliCommand {
  /** Words that select it, e.g. ['vm', 'start']. */
  path: string[];
  summary: string;
  /** Internal commands stay out of the usage list. */
  hidden?: boolean;
  /** Synopsis after `ring0 <path>`, e.g. '[--json]'. */
  synopsis: string;
  /** One line per option, for --help. */
  details?: string[];
  options: Options;
  positionals?: { min: number; max: number };
  /** Whether the command takes ARGV after `--`. */
  takesRest?: boolean;
  run(inv: Invocation): Promise<number>;
}

export class UsageError extends Error {}

export function parseInvocation(cmd: CliCommand, argv: string[], io: CliIO): Invocation {
  const dash = argv.indexOf('--');
  const head = dash >= 0 ? argv.slice(0, dash) : argv;
  const rest = dash >= 0 ? argv.slice(dash + 1) : [];
  if (rest.length > 0 && !cmd.takesRest) throw new UsageError(`'ring0 ${cmd.path.join(' ')}' takes no arguments after --`);
  let parsed;
  try {
    parsed = parseArgs({ args: head, options: { ...cmd.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional.*$/s, ''));
  }
  const { min, max } = cmd.positionals ?? { min: 0, max: 0 };
  if (!parsed.values.help && (parsed.positionals.length < min || parsed.positionals.length > max)) {
    throw new UsageError(parsed.positionals.length > max ? `unexpected argument '${parsed.positionals[max]}'` : 'missing argument');
  }
  return { values: parsed.values as Invocation['values'], positionals: parsed.positionals, rest, io };
}

export function helpText(cmd: CliCommand): string {
  const lines = [`Usage: ring0 ${cmd.path.join(' ')} ${cmd.synopsis}`.trimEnd(), '', cmd.summary];
  if (cmd.details?.length) lines.push('', ...cmd.details.map((d) => `  ${d}`));
  lines.push('  -h, --help  show this help');
  return lines.join('\n') + '\n';
}
