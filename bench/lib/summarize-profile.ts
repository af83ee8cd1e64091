import { summarizeCpuProfile } from './cpu-profile.js';
import { formatProfileSummary } from './profile-report.js';

// `tsx bench/lib/summarize-profile.ts <file.cpuprofile> [rows]`: the same tables the benchmarks print with --profile.
const [file, rows] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: tsx bench/lib/summarize-profile.ts <file.cpuprofile> [rows]\n');
  process.exitCode = 2;
} else {
  process.stdout.write(`${formatProfileSummary(file, summarizeCpuProfile(file, Number(rows ?? 25)), Number(rows ?? 25))}\n`);
}
