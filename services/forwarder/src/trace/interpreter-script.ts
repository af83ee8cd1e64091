import { posix } from 'node:path';

/** Programs that run a file named on their command line: the file is what really runs. */
const INTERPRETER = /^(?:(?:ba|da|z|k|a|fi)?sh|python[0-9.]*|pypy[0-9.]*|node|nodejs|deno|bun|perl[0-9.]*|ruby[0-9.]*|php[0-9.]*|pwsh|lua[0-9.]*|Rscript|tclsh[0-9.]*)$/;

/** Options that make the interpreter run text, a module or stdin instead of a file. */
const INLINE = new Set(['-c', '-e', '-E', '-m', '-p', '--eval', '--print', '-', '--command', '-Command', '-EncodedCommand']);

/** Shell flag groups that read commands from an argument or stdin: `-c`, `-ec`, `-s`, `-xs`. */
const SHELL_INLINE = /^-[a-zA-Z]*[cs][a-zA-Z]*$/;

/** Options whose value is the next argument (`bash -o pipefail x.sh`, `node -r dotenv/config x.js`). */
const SHELL_TAKES_VALUE = new Set(['-o', '+o', '-O', '+O']);
const TAKES_VALUE = new Set(['-W', '-X', '-r', '--require', '--import', '--loader', '--experimental-loader', '--env-file']);

/**
 * The script an interpreter was asked to run (`bash x.sh`, `python3 -u y.py`, `node z.js`),
 * resolved against the caller's cwd; undefined for inline code (`bash -c`, `python -m`), for
 * stdin, and for process substitution (`bash <(curl …)`: a pipe under /dev/fd has no file to
 * hash). Such a script is hashed and listed like an executable: a swapped `codecov.sh` shows
 * as a known path with a new hash.
 */
export function interpreterScript(exe: string, argv: readonly string[], cwd: string): string | undefined {
  const program = posix.basename(exe);
  if (!INTERPRETER.test(program)) return undefined;
  const shell = program.endsWith('sh');
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (shell ? SHELL_INLINE.test(arg) || arg === '-' : INLINE.has(arg)) return undefined;
    if (arg === '--') {
      const next = argv[i + 1];
      return next === undefined ? undefined : scriptPath(next, cwd);
    }
    if ((shell ? SHELL_TAKES_VALUE : TAKES_VALUE).has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith('-') || arg.startsWith('+')) continue;
    return scriptPath(arg, cwd);
  }
  return undefined;
}

function scriptPath(arg: string, cwd: string): string | undefined {
  const path = posix.resolve(cwd, arg);
  return /^\/(dev|proc)\//.test(path) ? undefined : path;
}
