import { scanGitLabTrace } from './gitlab-scan.js';
import { ephemeralFromExecutor, executorFromUsingLine } from './gitlab-executor.js';
import type { GitLabImage, GitLabJobTraceFacts, GitLabSection } from './gitlab-types.js';

const MAX_SECTIONS = 10_000;
const MAX_IMAGES = 64;

const RUNNING_WITH = /^Running with gitlab-(?:ci-multi-)?runner (\S+)(?: \(([0-9a-f]+)\))?/;
const ON_RUNNER = /^\s*on (.+?) \(?([A-Za-z0-9_-]{4,})\)?(?:, system ID: (\S+))?\s*$/;
const PREPARING = /^Preparing the "([^"]+)" executor/;
const USING_EXECUTOR = /^Using (.+?) executor(?: with image (\S+))?/;
const USING_IMAGE = /^Using docker image (sha256:[0-9a-f]{64}) for (\S+)(?: with digest (\S+))? \.\.\./;
const SERVICE = /^Starting service (\S+) \.\.\./;
const RUNNING_ON = /^Running on (\S+)(?: via (\S+?))?\.\.\.$/;
// Where the job's own script starts; runner setup facts come before it.
const SCRIPT_SECTIONS = new Set(['step_script', 'build_script']);

/** Reads what a GitLab job trace says about its runner, executor, image and sections. Pure; never throws on odd input. */
export function parseGitLabJobTrace(text: string): GitLabJobTraceFacts {
  const facts: Omit<GitLabJobTraceFacts, 'ephemeral'> = { images: [], services: [], sections: [], lineCount: 0 };
  const open = new Map<string, GitLabSection[]>();
  let inSetup = true;
  let sawRunningWith = false;
  let header: GitLabSection | undefined;

  scanGitLabTrace(text, (line) => {
    facts.lineCount += 1;
    if (line.timestamp !== undefined) {
      facts.firstTimestamp ??= line.timestamp;
      facts.lastTimestamp = line.timestamp;
    }
    for (const mk of line.markers) {
      if (mk.kind === 'start') {
        if (SCRIPT_SECTIONS.has(mk.name)) inSetup = false;
        if (facts.sections.length >= MAX_SECTIONS) continue;
        const s: GitLabSection = { name: mk.name, start: mk.time };
        if (mk.options !== undefined) s.options = mk.options;
        facts.sections.push(s);
        const stack = open.get(mk.name) ?? [];
        stack.push(s);
        open.set(mk.name, stack);
        header = s;
      } else {
        const s = open.get(mk.name)?.pop();
        if (s) {
          s.end = mk.time;
          s.durationSeconds = Math.max(0, mk.time - s.start);
        }
        header = undefined;
      }
    }
    if (line.hidden) return;
    const t = line.text.trim();
    // The first visible text after a start marker is that section's header.
    if (header) {
      if (t !== '') header.header = t;
      header = undefined;
    }
    if (!inSetup) return;
    // Traces without section markers: the first echoed command ends the runner's setup output.
    if (t.startsWith('$ ') && facts.sections.length === 0) { inSetup = false; return; }

    let m = RUNNING_WITH.exec(t);
    if (m) {
      sawRunningWith = true;
      facts.runnerVersion = m[1]!;
      if (m[2] !== undefined) facts.runnerRevision = m[2];
      return;
    }
    if (sawRunningWith && facts.runnerDescription === undefined && (m = ON_RUNNER.exec(line.text))) {
      facts.runnerDescription = m[1]!;
      facts.runnerShortToken = m[2]!;
      if (m[3] !== undefined) facts.runnerSystemId = m[3];
      return;
    }
    if ((m = PREPARING.exec(t))) { facts.executor = m[1]!; return; }
    if ((m = USING_EXECUTOR.exec(t))) {
      facts.executorLine = m[1]!;
      facts.executor ??= executorFromUsingLine(m[1]!);
      if (m[2] !== undefined) facts.imageName = m[2];
      return;
    }
    if ((m = USING_IMAGE.exec(t))) {
      const img: GitLabImage = { id: m[1]!, name: m[2]! };
      if (m[3] !== undefined) img.digest = m[3];
      if (facts.images.length < MAX_IMAGES && !facts.images.some((i) => i.id === img.id && i.name === img.name)) facts.images.push(img);
      return;
    }
    if ((m = SERVICE.exec(t))) { if (facts.services.length < MAX_IMAGES) facts.services.push(m[1]!); return; }
    if ((m = RUNNING_ON.exec(t))) {
      facts.runningOn = m[1]!;
      if (m[2] !== undefined) facts.via = m[2];
      return;
    }
    if (t.startsWith('Created fresh repository')) facts.freshRepository = true;
    else if (t.startsWith('Reinitialized existing Git repository')) facts.freshRepository = false;
  });

  // The job image is the one the executor line named; the others belong to services.
  if (facts.imageName !== undefined) {
    const img = facts.images.find((i) => i.name === facts.imageName);
    if (img) facts.image = img;
  }
  return { ...facts, ephemeral: ephemeralFromExecutor(facts.executor) };
}
