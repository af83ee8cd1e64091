import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface FrameShare {
  name: string;
  /** Self time in ms. */
  ms: number;
  /** Percent of all sampled time, idle included. */
  pct: number;
  /** Percent of the time the process was busy (idle, program and GC pseudo-frames aside for idle only). */
  busy_pct: number;
}

export interface ProfileSummary {
  file: string;
  wall_ms: number;
  idle_pct: number;
  gc_pct: number;
  top_functions: FrameShare[];
  by_package: FrameShare[];
  /** Time with the function anywhere on the stack, for pipewatch's own functions: where the app's time goes. */
  pipewatch_inclusive: FrameShare[];
}

/** node_modules/<pkg> (scoped too), node:internal, a repo workspace, or the pseudo-frame itself. */
export function packageOf(url: string, functionName: string): string {
  if (url === '') return `(${functionName.replace(/[()]/g, '') || 'native'})`;
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const workspace = /\/(shared|services\/[^/]+|infra)\/(?:dist|src)\//.exec(url);
  if (workspace) return `pipewatch ${workspace[1]}`;
  return url;
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const services = /\/((?:shared|services|infra)\/.*)$/.exec(url);
  return services ? services[1]! : url.replace(/^file:\/\//, '');
}

function frameName(frame: ProfileNode['callFrame']): string {
  const name = frame.functionName || '(anonymous)';
  return frame.url === '' ? name : `${name} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

/** Charges each node's self time to every distinct matching frame on its path from the root. */
function inclusiveTimes(nodes: ProfileNode[], perNode: Map<number, number>, keep: (frame: ProfileNode['callFrame']) => boolean): Map<string, number> {
  const parent = new Map<number, number>();
  for (const node of nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  for (const [id, micros] of perNode) {
    const names = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      if (keep(frame)) names.add(frameName(frame));
    }
    for (const name of names) totals.set(name, (totals.get(name) ?? 0) + micros);
  }
  return totals;
}

function rank(totals: Map<string, number>, all: number, busy: number, top: number): FrameShare[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, micros]) => ({
      name,
      ms: Math.round(micros / 1000),
      pct: Number(((100 * micros) / all).toFixed(1)),
      busy_pct: Number(((100 * micros) / busy).toFixed(1)),
    }));
}

/**
 * Self time per function and per package from a V8 .cpuprofile (what `node
 * --cpu-prof` writes): each sample's time delta is charged to the node it hit.
 */
export function summarizeCpuProfile(file: string, top = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const perNode = new Map<number, number>();
  profile.samples.forEach((id, index) => perNode.set(id, (perNode.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));

  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let all = 0;
  let idle = 0;
  let gc = 0;
  for (const [id, micros] of perNode) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    all += micros;
    if (functionName === '(idle)') idle += micros;
    if (functionName === '(garbage collector)') gc += micros;
    const name = frameName({ functionName, url, lineNumber });
    functions.set(name, (functions.get(name) ?? 0) + micros);
    const pkg = packageOf(url, functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + micros);
  }
  functions.delete('(idle)');
  const inclusive = inclusiveTimes(profile.nodes, perNode, (frame) => packageOf(frame.url, frame.functionName).startsWith('pipewatch '));
  packages.delete('(idle)');
  const busy = Math.max(1, all - idle);
  return {
    file,
    wall_ms: Math.round((profile.endTime - profile.startTime) / 1000),
    idle_pct: Number(((100 * idle) / Math.max(1, all)).toFixed(1)),
    gc_pct: Number(((100 * gc) / Math.max(1, all)).toFixed(1)),
    top_functions: rank(functions, all, busy, top),
    by_package: rank(packages, all, busy, top),
    pipewatch_inclusive: rank(inclusive, all, busy, top),
  };
}
