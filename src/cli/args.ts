import { AttuneError } from '../errors.js';

/** A mistake on the command line; main prints it with a hint and exits non-zero. */
export class UsageError extends AttuneError {
  constructor(message: string) {
    super('usage', message);
    this.name = 'UsageError';
  }
}

export type FlagSpec =
  | { readonly type: 'string'; readonly choices?: readonly string[]; readonly help: string }
  | { readonly type: 'number'; readonly integer?: boolean; readonly min?: number; readonly max?: number; readonly help: string }
  | { readonly type: 'boolean'; readonly help: string };

export type Flags = Record<string, string | number | boolean | undefined>;

function parseValue(name: string, spec: FlagSpec, raw: string): string | number {
  if (spec.type === 'string') {
    if (spec.choices && !spec.choices.includes(raw)) throw new UsageError(`--${name} ${raw}: valid choices are ${spec.choices.join(', ')}`);
    return raw;
  }
  const n = Number(raw);
  if (spec.type !== 'number' || raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} needs a number, got "${raw}"`);
  if (spec.integer && !Number.isInteger(n)) throw new UsageError(`--${name} needs a whole number, got ${raw}`);
  if (spec.min !== undefined && n < spec.min) throw new UsageError(`--${name} must be ≥ ${spec.min}, got ${raw}`);
  if (spec.max !== undefined && n > spec.max) throw new UsageError(`--${name} must be ≤ ${spec.max}, got ${raw}`);
  return n;
}

/**
 * Parses `--name value`, `--name=value` and boolean `--name` flags against
 * `specs`. Unknown flags and stray arguments are errors that list the valid flags.
 */
export function parseFlags(command: string, argv: readonly string[], specs: Readonly<Record<string, FlagSpec>>): Flags {
  const flags: Flags = {};
  const valid = Object.keys(specs).map((k) => `--${k}`).join(', ') || '(none)';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new UsageError(`attune ${command}: unexpected argument "${arg}"; flags: ${valid}`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = specs[name];
    if (!spec) throw new UsageError(`attune ${command}: unknown flag --${name}; valid flags: ${valid}`);
    if (spec.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    const raw = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (raw === undefined) throw new UsageError(`--${name} needs a value`);
    flags[name] = parseValue(name, spec, raw);
  }
  return flags;
}

/** One line per flag, for `attune help`. */
export function describeFlags(specs: Readonly<Record<string, FlagSpec>>): string {
  return Object.entries(specs)
    .map(([name, s]) => `  --${name}${s.type === 'boolean' ? '' : s.type === 'number' ? ' N' : ' VALUE'}`.padEnd(24) + s.help + (s.type === 'string' && s.choices ? ` (${s.choices.join('|')})` : ''))
    .join('\n');
}
