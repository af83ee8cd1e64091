import { checkProcParsers, checkRedaction, checkReplay, checkSchemas } from './fuzz/parser-properties.js';
const runs = Number(process.argv[2] ?? 200);
for (const [name, check] of Object.entries({ checkSchemas, checkProcParsers, checkReplay })) {
  const t = performance.now();
  try { console.log(name, JSON.stringify(await check({ runs, seed: 1 })), Math.round(performance.now() - t), 'ms'); } catch (e) { console.log(name, 'FAILED', String((e as Error).message).slice(0, 1500)); }
}
const t = performance.now();
try { console.log('redaction', JSON.stringify(await checkRedaction({ runs, seed: 1 }, 2000)), Math.round(performance.now() - t), 'ms'); } catch (e) { console.log('redaction FAILED', String((e as Error).message).slice(0, 2500)); }
