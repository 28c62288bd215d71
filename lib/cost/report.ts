/**
 * `vigil cost`: the estimate of lib/cost/estimate.ts as a table (per service, then per line, then
 * one endpoint's cost beside CloudWatch Synthetics and Route 53), or as one JSON document.
 */
import {
  type CliDeps,
  type CliIo,
  createStyle,
  ExitCode,
  loadOrReport,
  shouldColor,
} from '../cli/terminal.ts';
import { loadConfig as defaultLoadConfig } from '../config/index.ts';
import {
  COST_SERVICE_LABELS,
  COST_SERVICES,
  type CostEstimate,
  competitorCosts,
  type EndpointCost,
  endpointMonthCost,
  estimateCost,
  formatUsd,
} from './estimate.ts';

function table(header: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number>) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: readonly string[]) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [fmt(header), ...rows.map(fmt)];
}

function quantity(n: number): string {
  return Number.isInteger(n)
    ? n.toLocaleString('en-US')
    : n.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

/** `$0.30`, or per million below a tenth of a cent: `$13.33 per 1M`. */
function unitPrice(p: number): string {
  return p >= 0.001 ? `$${p.toFixed(p >= 0.01 ? 2 : 4)}` : `$${Number((p * 1e6).toPrecision(4))} per 1M`;
}

/**
 * The endpoints `vigil cost` compares: alone in its invocation, sharing one with two others, fast
 * alone, and fast in a group of ten (fast monitors of different services share one group).
 */
export function comparedEndpoints(): EndpointCost[] {
  return [
    endpointMonthCost(false),
    endpointMonthCost(false, 30, { sharedBy: 3 }),
    endpointMonthCost(true),
    endpointMonthCost(true, 30, { sharedBy: 10 }),
  ];
}

/** The `vigil cost` text. Pure. */
export function formatCost(
  estimate: CostEstimate,
  endpoints: readonly EndpointCost[] = comparedEndpoints(),
): string {
  const out: string[] = [];
  const n = estimate.monitors;
  out.push(`Expected monthly bill of "${estimate.project}": ${n} enabled monitor${n === 1 ? '' : 's'}`);
  out.push('(us-east-1 list prices, no free tier; prices in lib/cost/prices.ts)', '');
  out.push(
    ...table(
      ['SERVICE', 'USD/MONTH'],
      [
        ...COST_SERVICES.filter((s) => estimate.byService[s] > 0).map((s) => [
          COST_SERVICE_LABELS[s],
          formatUsd(estimate.byService[s]),
        ]),
        ['TOTAL', formatUsd(estimate.total)],
      ],
      new Set([1]),
    ),
    '',
  );
  out.push(
    ...table(
      ['ITEM', 'QUANTITY', 'UNIT PRICE', 'USD/MONTH'],
      estimate.lines.map((l) => [
        l.item,
        `${quantity(l.quantity)} ${l.unit}`,
        unitPrice(l.unitPrice),
        formatUsd(l.monthly),
      ]),
      new Set([1, 2, 3]),
    ),
    '',
  );
  const competitors = competitorCosts();
  out.push('One HTTP endpoint, per month (added to an existing service; shared dashboards not included):');
  out.push(
    ...table(
      ['', 'USD/MONTH', ''],
      [
        ...endpoints.map((e) => [
          e.label,
          formatUsd(e.total),
          `metrics ${formatUsd(e.byService.metrics ?? 0)}, alarm ${formatUsd(e.byService.alarms ?? 0)}, Lambda ${formatUsd(e.byService.lambda ?? 0)}, Scheduler ${formatUsd(e.byService.scheduler ?? 0)}, ${e.byService.sqs ? `SQS ${formatUsd(e.byService.sqs)}, ` : ''}logs ${formatUsd(e.byService.logs ?? 0)}`,
        ]),
        ...[...competitors.standard, ...competitors.fast].map((c) => [c.label, formatUsd(c.total), c.note]),
      ],
      new Set([1]),
    ),
  );
  out.push(
    '',
    'Estimated, not measured: Lambda duration and log bytes per check are conservative constants',
    '(USAGE in lib/cost/prices.ts). SNS pages are not counted: $0.50 per million publishes, email $2 per',
    '100,000, HTTPS $0.60 per million; a thousand pages a month cost about $0.02. A failing HTTP',
    "check's confirmation probe runs only while the check fails, so it is priced at nothing a month.",
  );
  return `${out.join('\n')}\n`;
}

/** `vigil cost [--config FILE] [--json]`: 0 with the estimate printed, 2 on a bad config. */
export async function costCommand(
  options: { readonly config: string; readonly json: boolean },
  io: CliIo,
  deps: CliDeps = {},
): Promise<number> {
  const config = await loadOrReport(options.config, io, deps.loadConfig ?? defaultLoadConfig);
  if (!config) return ExitCode.usage;
  const estimate = estimateCost(config);
  const endpoints = comparedEndpoints();
  if (options.json) {
    io.stdout.write(
      `${JSON.stringify({ ...estimate, endpoints, competitors: competitorCosts() }, null, 2)}\n`,
    );
    return ExitCode.ok;
  }
  const style = createStyle(shouldColor(io.stdout, io.env));
  const text = formatCost(estimate, endpoints);
  io.stdout.write(text.replace(/^(TOTAL\s+\S+)$/m, (m) => style.bold(m)));
  return ExitCode.ok;
}
