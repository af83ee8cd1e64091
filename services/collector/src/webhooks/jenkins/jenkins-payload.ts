import { z } from 'zod';

/*
 * The Notification plugin's JSON (Gson with lower_case_with_underscores names):
 * `{name, display_name, url, build: {full_url, number, queue_id, phase, status,
 * url, duration, timestamp, scm: {url, branch, commit, changes, culprits},
 * parameters, log, notes, artifacts, test_summary}}`. `timestamp` is epoch ms in
 * most versions and a formatted string in some; `duration` is in ms.
 * `log` and `parameters` are never read: they can hold secrets and the contract
 * has no place for them.
 */
export const JenkinsNotification = z.object({
  name: z.string().min(1),
  display_name: z.string().nullish(),
  url: z.string().nullish(),
  build: z.object({
    number: z.number().int().nonnegative(),
    phase: z.string(),
    status: z.string().nullish(),
    full_url: z.string().nullish(),
    url: z.string().nullish(),
    queue_id: z.number().nullish(),
    duration: z.number().nullish(),
    timestamp: z.union([z.number(), z.string()]).nullish(),
    scm: z
      .object({
        url: z.string().nullish(),
        branch: z.string().nullish(),
        commit: z.string().nullish(),
      })
      .nullish(),
    test_summary: z
      .object({
        total: z.number().nullish(),
        failed: z.number().nullish(),
        skipped: z.number().nullish(),
        passed: z.number().nullish(),
      })
      .nullish(),
  }),
});
export type JenkinsNotification = z.infer<typeof JenkinsNotification>;
