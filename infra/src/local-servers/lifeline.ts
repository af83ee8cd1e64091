import { cmdlineOf, groupMembers, parentOf } from './proc.js';

const TOKEN = 'pipewatch-lifeline';

/**
 * Shell wrapper that runs "$@" under a lifeline: a background subshell blocks reading
 * fd 3, a pipe whose other end only the Node parent holds. When the parent dies in any
 * way, even SIGKILL, the read returns and the subshell TERMs the whole group, then KILLs
 * it once the main process has left (or after 20 s). It ignores TERM so it outlives the
 * JVMs; a normal stop releases it by closing the pipe.
 */
export const LIFELINE_SCRIPT = `: ${TOKEN}
( trap '' HUP INT TERM
  read -r line <&3
  kill -TERM 0 2>/dev/null
  i=0
  while kill -0 $$ 2>/dev/null && [ $i -lt 40 ]; do sleep 0.5; i=$((i+1)); done
  kill -KILL 0 2>/dev/null ) &
exec "$@"`;

/** Live members of the group other than the lifeline watcher and its `sleep`s. */
export function serverMembers(pgid: number): number[] {
  const members = groupMembers(pgid);
  const watchers = new Set(members.filter((pid) => cmdlineOf(pid).includes(TOKEN)));
  return members.filter((pid) => !watchers.has(pid) && !watchers.has(parentOf(pid) ?? -1));
}
