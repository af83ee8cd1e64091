import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

interface Definition {
  name: string;
  examples: unknown[];
}

/** Where an example came from, for test titles. */
export interface Example {
  origin: string;
  payload: Record<string, unknown>;
}

const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve('@octokit/webhooks-examples/package.json'));

/**
 * Every example of one GitHub event in `@octokit/webhooks-examples`: github.com's
 * and each GitHub Enterprise Server version's, without the repeats (GHES ships
 * copies of github.com's examples).
 */
export function githubExamples(event: string): Example[] {
  const seen = new Set<string>();
  const examples: Example[] = [];
  for (const flavour of readdirSync(packageDir).sort()) {
    const index = join(packageDir, flavour, 'index.json');
    if (!existsSync(index)) continue;
    const definitions = JSON.parse(readFileSync(index, 'utf8')) as Definition[];
    const definition = definitions.find((item) => item.name === event);
    (definition?.examples ?? []).forEach((payload, i) => {
      const text = JSON.stringify(payload);
      if (seen.has(text)) return;
      seen.add(text);
      examples.push({ origin: `${flavour} #${i}`, payload: payload as Record<string, unknown> });
    });
  }
  return examples;
}

/** A deep copy to change without touching the shared examples. */
export function copyOf<T>(value: T): T {
  return structuredClone(value);
}
