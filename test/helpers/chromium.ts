import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium package; playwright-core drives it, downloading no browser of its own. */
export const CHROMIUM = '/usr/bin/chromium';

/** Where browser tests leave their screenshots (git-ignored). */
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/** Installs Debian's chromium when it is missing (CI runs as root; the first install takes minutes). */
export async function ensureChromium(): Promise<void> {
  if (existsSync(CHROMIUM)) return;
  try {
    await promisify(execFile)('bash', ['-c', 'apt-get update && apt-get install -y --no-install-recommends chromium'], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 900_000,
    });
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw new Error(`could not install chromium: ${failure.message}\n${(failure.stderr ?? '').slice(-2000)}`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium but ${CHROMIUM} is missing`);
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Saves a full-page screenshot as test-artifacts/<folder>/<name>.png and returns its path. */
  screenshot(folder: string, name: string): Promise<string>;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile in a temp dir, kept off the network it does not need. */
export async function launchChromium(): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'pipewatch-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1360, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async screenshot(folder, name) {
      const dir = join(ARTIFACTS, folder);
      await mkdir(dir, { recursive: true });
      const path = join(dir, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
