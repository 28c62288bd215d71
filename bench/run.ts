/**
 * `npm run bench`: every benchmark in turn, one table per section, then the figures against the
 * DESIGN.md targets; everything is also written to bench/results/latest.json. Benchmarks report,
 * they do not judge: a missed target is printed, and the exit code is 0 unless a benchmark broke.
 *
 *   npm run bench                      the full run (a few minutes on 2 cores)
 *   npm run bench -- --quick           a smoke run with small counts (seconds)
 *   npm run bench -- --only bundle,checks
 *
 * Each section is also a module of its own: `npx tsx bench/bundle.ts [--quick]`, bench/checks.ts,
 * bench/throughput.ts, bench/page-latency.ts, bench/canary-usage.ts, bench/cost.ts.
 */
import { benchBundle } from './bundle.ts';
import { benchCanaryUsage } from './canary-usage.ts';
import { benchChecks } from './checks.ts';
import { benchCost } from './cost.ts';
import {
  type Benchmark,
  formatTable,
  machineInfo,
  measureSection,
  parseBenchArgs,
  printSection,
  type SectionResult,
  type TargetCheck,
  verdict,
  writeResults,
} from './lib/report.ts';
import { benchPageLatency } from './page-latency.ts';
import { benchThroughput } from './throughput.ts';

/** The sections, in the order they run. */
const SECTIONS: readonly { readonly id: string; readonly run: Benchmark }[] = [
  { id: 'bundle', run: benchBundle },
  { id: 'checks', run: benchChecks },
  { id: 'throughput', run: benchThroughput },
  { id: 'page-latency', run: benchPageLatency },
  { id: 'usage', run: benchCanaryUsage },
  { id: 'cost', run: benchCost },
];

const args = parseBenchArgs(process.argv.slice(2));
const unknown = args.only.filter((id) => !SECTIONS.some((s) => s.id === id));
if (unknown.length > 0) {
  process.stderr.write(
    `bench: unknown section ${unknown.join(', ')}; sections: ${SECTIONS.map((s) => s.id).join(', ')}\n`,
  );
  process.exit(2);
}
const selected = SECTIONS.filter((s) => args.only.length === 0 || args.only.includes(s.id));
const machine = machineInfo();
const startedAt = new Date();
process.stdout.write(
  `Vigil benchmarks${args.quick ? ' (--quick: small counts, a smoke run; figures not comparable)' : ''}\n` +
    `Node ${machine.node} on ${machine.platform}, ${machine.cpus} × ${machine.cpuModel}, ${(machine.memoryBytes / 2 ** 30).toFixed(1)} GiB; ${startedAt.toISOString()}\n`,
);

if (!process.version.startsWith('v22.')) {
  process.stdout.write(
    `note: Node ${process.version} is not the Lambda runtime's Node 22; run through npm (node_modules/.bin first on PATH) for comparable figures\n`,
  );
}

const results: SectionResult[] = [];
for (const section of selected) {
  const result = await measureSection(section.run, args);
  printSection(result);
  results.push(result);
}

/** `busy: others used 1.3 of 2 cores` when other work competed with the section. */
function conditions(r: SectionResult, t: TargetCheck): string {
  const c = r.contention;
  if (!c?.busy || t.deterministic) return '';
  return c.otherCores === undefined
    ? `busy: load ${c.loadBefore.toFixed(1)}`
    : `busy: others used ${c.otherCores.toFixed(2)} of ${machine.cpus} cores`;
}

const summary = {
  title: 'Figures vs targets (DESIGN.md)',
  columns: ['figure', 'target', 'value', 'verdict', 'conditions'],
  rows: results.flatMap((r) =>
    r.targets.map((t) => [t.figure, t.target, t.value, verdict(t.met), conditions(r, t)]),
  ),
  align: ['left', 'left', 'right', 'left', 'left'] as const,
};
process.stdout.write(`\n${formatTable(summary)}`);

const file = writeResults('latest.json', {
  generatedAt: startedAt.toISOString(),
  quick: args.quick,
  machine,
  sections: Object.fromEntries(results.map((r) => [r.id, r])),
  targets: results.flatMap((r) => r.targets.map((t) => ({ section: r.id, ...t }))),
});
process.stdout.write(`\nwrote ${file}\n`);
