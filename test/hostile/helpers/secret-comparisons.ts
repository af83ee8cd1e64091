import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Names that hold a credential or something derived from one. */
export const SECRETISH = /(token|secret|signature|password|passwd|digest|hmac|api_?key|credential|authorization)/i;

/** Operands a secret may be compared with in plain JS: absence, emptiness, types, lengths, fixed kinds. */
const HARMLESS = /^(undefined|null|true|false|''|""|``|-?\d+(\.\d+)?|typeof\b.*|.*\.length|.*\.kind|.*\.mechanism)$/;

export interface Comparison {
  file: string;
  line: number;
  text: string;
}

const OPERAND = String.raw`(typeof\s+[\w$.]+|[\w$.]+(?:\([^()]*\))?(?:\[[^\]]*\])?(?:\.[\w$]+)*|'[^']*'|"[^"]*"|\`[^\`]*\`)`;
const COMPARISON = new RegExp(`${OPERAND}\\s*(===|!==|==|!=)\\s*${OPERAND}`, 'g');

/**
 * Equality checks in source where an operand's name says it is a secret and the
 * other side is not a harmless constant: each is a possible timing leak. Also any
 * Buffer#equals / localeCompare on such a name (neither is constant time).
 */
export function secretComparisons(root: string, files: readonly string[]): Comparison[] {
  const found: Comparison[] = [];
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((text, index) => {
      const code = text.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
      for (const match of code.matchAll(COMPARISON)) {
        const [, left, , right] = match as unknown as [string, string, string, string];
        const secretSide = [left, right].some((side) => SECRETISH.test(lastName(side)));
        const harmless = [left, right].some((side) => HARMLESS.test(side.trim()));
        if (secretSide && !harmless) found.push({ file: relative(root, file), line: index + 1, text: text.trim() });
      }
      if (/\.(equals|localeCompare)\(/.test(code) && SECRETISH.test(code)) {
        found.push({ file: relative(root, file), line: index + 1, text: text.trim() });
      }
    });
  }
  return found;
}

const lastName = (operand: string): string => operand.replace(/\(.*\)$/, '').split('.').at(-1) ?? operand;

/** Every .ts file under `dir`, skipping dist and node_modules. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}
