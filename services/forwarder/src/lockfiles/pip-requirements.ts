import { dependency, pythonDigest, type Dependency } from './dependency.js';

/**
 * A pip requirements file in hash-checking mode (`pip-compile --generate-hashes`, `uv pip compile`):
 * `name==1.2.3 \` then `--hash=sha256:...` continuation lines. Only requirements with at least one
 * hash give an entry (without one nothing is pinned); options (`-r`, `--index-url`, `-e`) and
 * comments are skipped. Several hashes (one per wheel) are folded by `pythonDigest`.
 */
export function parsePipRequirements(text: string, source: string): Dependency[] {
  const out: Dependency[] = [];
  // Join backslash continuations into logical lines, then drop comments (a '#' at the start or after whitespace).
  const logical = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  for (const raw of logical) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line || line.startsWith('-')) continue;
    const hashes = [...line.matchAll(/--hash[=\s]+([A-Za-z0-9]+:[0-9a-fA-F]+)/g)].map((m) => m[1]!);
    const digest = pythonDigest(hashes);
    if (!digest) continue;
    const requirement = line.split(/\s--/)[0]!.split(';')[0]!.trim();
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:===?\s*([^\s,;]+))?/.exec(requirement);
    if (!m) continue;
    const dep = dependency(m[1]!, m[2], digest, source);
    if (dep) out.push(dep);
  }
  return out;
}
