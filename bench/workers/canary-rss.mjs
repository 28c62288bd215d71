// Peak memory of the canary bundle for one kind of invocation, in a fresh Node process (spawned by
// bench/canary-usage.ts): import the bundle as Lambda's init does, call its handler `runs` times with
// the event in <event.json>, and write the process's RSS after init and its peak RSS (VmHWM in
// /proc/self/status) to <out.json>. Plain JavaScript on purpose: no TypeScript loader
// in the process being measured. The handler's own log lines go to stdout and stderr, discarded by
// the parent.
//
//   node bench/workers/canary-rss.mjs <bundle.mjs> <event.json> <runs> <out.json>
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle, eventFile, runsArg, out] = process.argv.slice(2);
if (!bundle || !eventFile || !runsArg || !out) {
  process.stderr.write('usage: canary-rss.mjs <bundle.mjs> <event.json> <runs> <out.json>\n');
  process.exit(2);
}
const rssBeforeImport = process.memoryUsage().rss;
const { handler } = await import(pathToFileURL(bundle).href);
const rssAfterInit = process.memoryUsage().rss;
const eventJson = readFileSync(eventFile, 'utf8');
const runs = Number(runsArg);
const context = (deadline) => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'vigil-bench-canary',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:vigil-bench-canary',
  memoryLimitInMB: '256',
  awsRequestId: `req-${Math.random().toString(16).slice(2)}`,
  logGroupName: '/vigil/bench/canary',
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
});
let results = 0;
for (let i = 0; i < runs; i++) {
  // A fresh event each time; an SQS record's fast slot is planned for now (it starts at once).
  const event = JSON.parse(eventJson);
  for (const record of event.Records ?? []) {
    const body = JSON.parse(record.body);
    body.fastProbe.at = Date.now();
    record.body = JSON.stringify(body);
  }
  const response = await handler(event, context(Date.now() + 15_000));
  results = response?.results?.length ?? response?.batchItemFailures?.length ?? 0;
}
// The peak of this address space: VmHWM (reset by exec), not getrusage's maxRSS, which Linux keeps
// across execve and so can report the spawning process's size.
function peakRss() {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) * 1024;
  } catch {}
  return process.resourceUsage().maxRSS * 1024;
}
writeFileSync(
  out,
  JSON.stringify({
    rssBeforeImport,
    rssAfterInit,
    maxRss: peakRss(),
    heapUsed: process.memoryUsage().heapUsed,
    lastResults: results,
  }),
);
