import { redactText } from '@pipewatch/shared';

/** At most this many arguments, each cut to this many characters: the shape matters, not the payload. */
export const MAX_ARGS = 32;
export const MAX_ARG_CHARS = 120;

/**
 * argv as a finding may show it: secret-shaped values masked (the redaction the
 * collector applies to logs, plus the values the forwarder knows are secret), each
 * argument cut, the list bounded with a marker saying how many were left out.
 */
export function boundArgv(argv: readonly string[], knownSecrets: readonly string[] = []): string[] {
  const shown = argv.slice(0, MAX_ARGS - (argv.length > MAX_ARGS ? 1 : 0)).map((arg) => cut(redactText(arg, knownSecrets).text));
  if (argv.length > MAX_ARGS) shown.push(`…(+${argv.length - shown.length} args)`);
  return shown;
}

function cut(arg: string): string {
  const flat = arg.replace(/[\r\n]+/g, '⏎');
  return flat.length <= MAX_ARG_CHARS ? flat : `${flat.slice(0, MAX_ARG_CHARS - 1)}…`;
}
