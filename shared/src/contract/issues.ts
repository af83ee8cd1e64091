import type { z } from 'zod';

/** One validation problem, with the dotted path a caller can find in their payload. */
export interface IssueReport {
  path: string;
  message: string;
}

export function describeIssues(error: z.ZodError): IssueReport[] {
  return error.issues.map((issue) => ({
    path: issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.'),
    message: issue.message,
  }));
}
