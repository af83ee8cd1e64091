import { forEachLine } from './lines.js';
import { splitGitHubLine } from './github-line.js';
import { hostedFromRunner } from './github-hosted.js';
import type { GitHubActionDownload, GitHubJobLogFacts, GitHubRunnerFacts, GitHubStepFact } from './github-types.js';

// Caps keep memory bounded on hostile logs; real jobs stay far below them.
const MAX_GROUP_LINES = 64;
const MAX_ACTIONS = 1000;
const MAX_STEPS = 10_000;
const MAX_PERMISSIONS = 64;

const DOWNLOAD = /^Download action repository '([^'\s]+@[^'\s]+)' \(SHA:([0-9a-fA-F]{40})\)/;
const IMMUTABLE = /^##\[group\]Download immutable action package '([^'\s]+@[^'\s]+)'/;
const QUOTED = /^(Current runner version|Runner name|Runner group name|Machine name): '(.*)'$/;
const ASSIGNED = /^Job is about to start running on the (?:hosted )?runner: (.*) \((\w+)\)$/;
const KEY_VALUE = /^([A-Za-z][\w -]*?): (.*)$/;

type Group = { title: string; lines: string[] };

/** Reads what a GitHub Actions job log says about its setup, actions and steps. Pure; never throws on odd input. */
export function parseGitHubJobLog(text: string): GitHubJobLogFacts {
  const runner: GitHubRunnerFacts = {};
  const actions: GitHubActionDownload[] = [];
  const seen = new Set<string>();
  const permissions: Record<string, string> = Object.create(null) as Record<string, string>;
  const steps: GitHubStepFact[] = [];
  const stepNames: string[] = [];
  let shape: GitHubJobLogFacts['shape'] = 'unknown';
  let job: string | undefined;
  let firstTimestamp: string | undefined;
  let lastTimestamp: string | undefined;
  let inSetup = true;
  let firstColumn: string | undefined;
  let column: string | undefined;
  let columnHasRun = false;
  let group: Group | undefined;
  let round = 0;
  let immutable: { action: string; version?: string; digest?: string } | undefined;
  let lineCount = 0;

  const addAction = (a: Omit<GitHubActionDownload, 'round' | 'nested' | 'step'>): void => {
    const key = `${a.action}\0${a.sha}`;
    if (seen.has(key) || actions.length >= MAX_ACTIONS) return;
    seen.add(key);
    const duringStep = !inSetup && steps.length > 0;
    const download: GitHubActionDownload = { ...a, round: Math.max(round, 1), nested: round > 1 || duringStep };
    if (duringStep) download.step = steps.length - 1;
    actions.push(download);
  };

  const closeGroup = (g: Group): void => {
    const t = g.title;
    if (t === 'GITHUB_TOKEN Permissions') {
      for (const l of g.lines) {
        const m = KEY_VALUE.exec(l);
        if (m && Object.keys(permissions).length < MAX_PERMISSIONS) permissions[m[1]!.toLowerCase()] = m[2]!.trim();
      }
    } else if (t === 'Operating System') {
      runner.os = { name: g.lines[0], version: g.lines[1], lines: g.lines };
    } else if (t === 'Runner Image' || t === 'Virtual Environment') {
      const image: NonNullable<GitHubRunnerFacts['image']> = {};
      for (const l of g.lines) {
        const m = KEY_VALUE.exec(l);
        if (!m) continue;
        const [, k, v] = m as unknown as [string, string, string];
        if (k === 'Image' || k === 'Environment') image.image = v;
        else if (k === 'Version') image.version = v;
        else if (k === 'Included Software') image.includedSoftware = v;
        else if (k === 'Image Release') image.imageRelease = v;
      }
      runner.image = image;
    } else if (t === 'Runner Image Provisioner' || t === 'Virtual Environment Provisioner') {
      runner.provisioner = g.lines;
      if (g.lines.some((l) => l.trim() === 'Hosted Compute Agent')) runner.hostedComputeAgent = true;
    }
  };

  forEachLine(text, (raw, index) => {
    lineCount = index + 1;
    const line = splitGitHubLine(raw);
    if (line.timestamp !== undefined) {
      firstTimestamp ??= line.timestamp;
      lastTimestamp = line.timestamp;
    }
    const msg = line.message;

    // gh cli shape: the step column tells where each step starts and ends.
    if (line.step !== undefined) {
      if (shape === 'unknown') shape = 'gh-cli';
      job ??= line.job;
      if (line.step !== column) {
        column = line.step;
        columnHasRun = false;
        firstColumn ??= column;
        if (column !== firstColumn) inSetup = false;
        if (stepNames.length < MAX_STEPS) stepNames.push(column);
      }
    } else if (line.timestamp !== undefined && shape === 'unknown') {
      shape = 'rest';
    }

    if (msg.startsWith('##[group]Run ')) {
      inSetup = false;
      // In gh-cli output a second Run group within one step column is a composite action's inner step.
      const topLevel = line.step === undefined || !columnHasRun;
      columnHasRun = true;
      if (topLevel && steps.length < MAX_STEPS) {
        const run = msg.slice('##[group]Run '.length).trim();
        const step: GitHubStepFact = { run, line: index };
        if (line.step !== undefined) step.name = line.step;
        steps.push(step);
      }
    }

    // Downloads can also happen inside a step (a local composite action), so look for them everywhere.
    if (msg.startsWith('Getting action download info')) round += 1;
    let m = DOWNLOAD.exec(msg);
    if (m) addAction({ action: m[1]!, sha: m[2]!.toLowerCase(), kind: 'repository' });
    if ((m = IMMUTABLE.exec(msg))) immutable = { action: m[1]! };
    else if (immutable) {
      if (msg.startsWith('Version: ')) immutable.version = msg.slice(9).trim();
      else if (msg.startsWith('Digest: ')) immutable.digest = msg.slice(8).trim();
      else if (msg.startsWith('Source commit SHA: ')) {
        const sha = msg.slice(19).trim();
        if (/^[0-9a-fA-F]{40}$/.test(sha)) {
          const a: Omit<GitHubActionDownload, 'round' | 'nested' | 'step'> = { action: immutable.action, sha: sha.toLowerCase(), kind: 'immutable' };
          if (immutable.version !== undefined) a.version = immutable.version;
          if (immutable.digest !== undefined) a.digest = immutable.digest;
          addAction(a);
        }
        immutable = undefined;
      } else if (msg.startsWith('##[endgroup]')) immutable = undefined;
    }

    if (!inSetup) {
      if (group) { closeGroup(group); group = undefined; }
      return;
    }
    // Setup-only facts below.
    if (msg.startsWith('##[group]')) {
      if (group) closeGroup(group);
      group = { title: msg.slice(9).trim(), lines: [] };
      return;
    }
    if (msg.startsWith('##[endgroup]')) {
      if (group) closeGroup(group);
      group = undefined;
      return;
    }
    if (group) {
      if (group.lines.length < MAX_GROUP_LINES) group.lines.push(msg);
      return;
    }
    const q = QUOTED.exec(msg);
    if (q) {
      const v = q[2]!;
      if (q[1] === 'Current runner version') runner.version = v;
      else if (q[1] === 'Runner name') runner.name = v;
      else if (q[1] === 'Runner group name') runner.groupName = v;
      else runner.machineName = v;
      return;
    }
    const a = ASSIGNED.exec(msg);
    if (a) runner.assignedPool = a[2]!.toLowerCase();
  });
  if (group) closeGroup(group);

  for (const step of steps) {
    const uses = actions.find((a) => a.action === step.run);
    if (uses) step.uses = uses;
  }
  const facts: GitHubJobLogFacts = {
    shape,
    actions,
    permissions: { ...permissions },
    runner,
    hosted: hostedFromRunner(runner),
    steps,
    stepNames,
    lineCount,
  };
  if (job !== undefined) facts.job = job;
  if (firstTimestamp !== undefined) facts.firstTimestamp = firstTimestamp;
  if (lastTimestamp !== undefined) facts.lastTimestamp = lastTimestamp;
  return facts;
}
