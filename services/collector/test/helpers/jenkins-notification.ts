/**
 * A Jenkins Notification plugin message as its JSON format serialises JobState
 * (Gson, lower_case_with_underscores): job `name`, `display_name`, `url`, and
 * `build` with phase, status, epoch-ms timestamp, ms duration, scm and test summary.
 */
export function jenkinsNotification(overrides: { phase?: string; status?: string | null; number?: number; durationMs?: number; timestamp?: number | string } = {}): Record<string, unknown> {
  const number = overrides.number ?? 42;
  return {
    name: 'app',
    display_name: 'app',
    url: 'job/team/job/app/',
    build: {
      full_url: `https://ci.example.com/job/team/job/app/${number}/`,
      number,
      queue_id: 1337,
      timestamp: overrides.timestamp ?? Date.UTC(2025, 2, 1, 12, 0, 0),
      duration: overrides.durationMs ?? 183_000,
      phase: overrides.phase ?? 'COMPLETED',
      ...(overrides.status === null ? {} : { status: overrides.status ?? 'SUCCESS' }),
      url: `job/team/job/app/${number}/`,
      scm: {
        url: 'https://deploy-bot:s3cr3tPassw0rd@git.example.com/team/app.git',
        branch: 'origin/main',
        commit: '5779607b49aab1200488439f02372c57b4f75444',
        changes: ['src/main.ts'],
        culprits: ['alice'],
      },
      parameters: { DEPLOY_ENV: 'staging' },
      log: '',
      notes: '',
      artifacts: {},
      test_summary: { total: 120, failed: 1, skipped: 2, passed: 117, failed_tests: ['AppTest.boots'] },
    },
  };
}
