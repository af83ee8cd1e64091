import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StaticFile {
  body: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The console's own files (`services/console/ui`), the same from src/ (tests) and dist/. */
export const UI_DIR = fileURLToPath(new URL('../../ui/', import.meta.url));

/** Every file of a folder, by name, read once: a few small files served from memory. */
export function loadStaticFiles(dir: string, names?: readonly string[]): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const name of names ?? readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (type) files.set(name, { body: readFileSync(join(dir, name)), type });
  }
  return files;
}

/** uPlot's browser build and stylesheet from node_modules: the console needs no network. */
export function loadUplotFiles(): Map<string, StaticFile> {
  const dist = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');
  return loadStaticFiles(dist, ['uPlot.iife.min.js', 'uPlot.min.css']);
}
