/**
 * `vigil drill run NAME [--local DATABASE_URL [--dump FILE]]` and `vigil drill history NAME`.
 *
 * - `run` starts the drill's Automation document with exactly what its schedule starts it with
 *   (`drillExecutionRequest`: document, parameters, tags), so a drill run by hand is judged,
 *   reported, counted by the "did not run" sweep and listed by `history` like a scheduled one; it
 *   prints the execution link. `--local` runs the same restore script on this machine instead
 *   (./drill-local.ts).
 * - `history` lists the drill's last 12 executions (DescribeAutomationExecutions filtered by the
 *   drill document prefix and the drill's tag key, then GetAutomationExecution for each one's
 *   facts) as a table: date, result, RTO and RPO against their targets, the dump or snapshot, link.
 *
 * Self-parsing (main hands it everything but the word `drill`); the SSM client and the clock come
 * from {@link DrillCliDeps}, so tests assert the exact calls.
 */
import { parseArgs } from 'node:util';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { aws, type Loaded } from '../../lambdas/shared/aws.ts';
import { DEFAULT_CONFIG_FILE, loadConfig as defaultLoadConfig } from '../config/index.ts';
import {
  buildDrillCatalog,
  type DrillCatalog,
  drillDocumentPrefix,
  drillExecutionRequest,
  drillTargetId,
} from '../drills/catalog.ts';
import type { Drill } from '../drills/model.ts';
import { executionLink, type HistoryRow, historyRows, summarizeExecution } from '../drills/report.ts';
import { executionTargetTagKey } from '../naming.ts';
import { runDrillLocal } from './drill-local.ts';
import { type CliDeps, type CliIo, ExitCode, loadOrReport, pad } from './terminal.ts';

/** How many executions `vigil drill history` shows. */
export const HISTORY_LENGTH = 12;

/** The collaborators of `vigil drill`, each with its real default. */
export interface DrillCliDeps extends CliDeps {
  /** @default aws.ssm */
  readonly ssm?: () => Promise<Loaded<typeof import('@aws-sdk/client-ssm'), SSMClient>>;
  /** For the console links. @default AWS_REGION, else AWS_DEFAULT_REGION */
  readonly region?: string;
  /** `--local`. @default runDrillLocal */
  readonly runDrillLocal?: typeof runDrillLocal;
}

const USAGE = `usage: vigil drill run NAME [--local DATABASE_URL [--dump FILE]] [--config FILE]
       vigil drill history NAME [--config FILE]
`;

/** `vigil drill ...`: returns the exit code (0 started/listed, 1 AWS refused, 2 usage). */
export async function runDrill(argv: readonly string[], io: CliIo, deps: DrillCliDeps = {}): Promise<number> {
  let values: {
    config?: string | undefined;
    local?: string | undefined;
    dump?: string | undefined;
    help?: boolean | undefined;
  };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        local: { type: 'string' },
        dump: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    io.stderr.write(`vigil: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return ExitCode.usage;
  }
  if (values.help) {
    io.stdout.write(USAGE);
    return ExitCode.ok;
  }
  const [sub, name, ...extra] = positionals;
  if ((sub !== 'run' && sub !== 'history') || !name || extra.length > 0) {
    io.stderr.write(`vigil: ${sub ? `drill ${sub}: ` : ''}expected run NAME or history NAME\n\n${USAGE}`);
    return ExitCode.usage;
  }
  if (sub === 'history' && (values.local !== undefined || values.dump !== undefined)) {
    io.stderr.write('vigil: --local and --dump are options of drill run\n');
    return ExitCode.usage;
  }
  if (values.dump !== undefined && values.local === undefined) {
    io.stderr.write('vigil: --dump needs --local DATABASE_URL (it picks the file a local drill restores)\n');
    return ExitCode.usage;
  }

  const config = await loadOrReport(
    values.config ?? DEFAULT_CONFIG_FILE,
    io,
    deps.loadConfig ?? defaultLoadConfig,
  );
  if (!config) return ExitCode.usage;
  const catalog = buildDrillCatalog(config);
  const drill = catalog.drills[name];
  if (!drill) {
    const known = Object.keys(catalog.drills);
    io.stderr.write(
      `vigil: unknown drill "${name}"; ${known.length > 0 ? `drills: ${known.join(', ')}` : 'the config has no drills (add drills: [...] to vigil.config.ts)'}\n`,
    );
    return ExitCode.usage;
  }

  if (sub === 'run' && values.local !== undefined) {
    return (deps.runDrillLocal ?? runDrillLocal)(drill, values.local, io, {
      ...(values.dump !== undefined && { dump: values.dump }),
      ...(deps.now && { now: deps.now }),
    });
  }
  const region = deps.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  if (!region) {
    io.stderr.write(`vigil: set AWS_REGION to the Region the vigil-${config.project} stack is deployed in\n`);
    return ExitCode.usage;
  }
  try {
    const { sdk, client } = await (deps.ssm ?? aws.ssm)();
    if (sub === 'run') {
      const request = drillExecutionRequest(catalog, name);
      const out = await client.send(new sdk.StartAutomationExecutionCommand(request));
      const id = out.AutomationExecutionId ?? '';
      io.stdout.write(
        `Started drill ${name}: ${request.DocumentName}, execution ${id}\n${executionLink(region, id)}\nIts report is paged when it ends; vigil drill history ${name} lists it.\n`,
      );
      return ExitCode.ok;
    }
    const rows = await history(catalog, drill, region, client, sdk);
    io.stdout.write(rows.length === 0 ? `No executions of drill ${name} in SSM's history.\n` : table(rows));
    return ExitCode.ok;
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    io.stderr.write(
      `vigil: drill ${sub} ${name}: ${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}\n`,
    );
    if (/AccessDenied|not authorized/i.test(`${e.name} ${e.message}`)) {
      io.stderr.write(
        `hint: the caller needs ${sub === 'run' ? 'ssm:StartAutomationExecution on the drill document and iam:PassRole on its role' : 'ssm:DescribeAutomationExecutions and ssm:GetAutomationExecution'}\n`,
      );
    }
    return ExitCode.muteFailed;
  }
}

/** The drill's last {@link HISTORY_LENGTH} executions, newest first, read and summarized. */
async function history(
  catalog: DrillCatalog,
  drill: Drill,
  region: string,
  client: SSMClient,
  sdk: typeof import('@aws-sdk/client-ssm'),
): Promise<HistoryRow[]> {
  const listed: { id: string; started: number }[] = [];
  let NextToken: string | undefined;
  // SSM lists newest first, but not across every page in order: read them all, keep the newest 12.
  do {
    const out = await client.send(
      new sdk.DescribeAutomationExecutionsCommand({
        Filters: [
          { Key: 'DocumentNamePrefix', Values: [drillDocumentPrefix(catalog.project)] },
          { Key: 'TagKey', Values: [executionTargetTagKey(drillTargetId(drill.name))] },
        ],
        MaxResults: 50,
        ...(NextToken && { NextToken }),
      }),
    );
    for (const e of out.AutomationExecutionMetadataList ?? []) {
      if (e.AutomationExecutionId) {
        listed.push({ id: e.AutomationExecutionId, started: e.ExecutionStartTime?.getTime() ?? 0 });
      }
    }
    NextToken = out.NextToken;
  } while (NextToken);
  const newest = listed.sort((a, b) => b.started - a.started).slice(0, HISTORY_LENGTH);
  const runs = [];
  for (const { id } of newest) {
    const out = await client.send(new sdk.GetAutomationExecutionCommand({ AutomationExecutionId: id }));
    if (out.AutomationExecution) runs.push(summarizeExecution(out.AutomationExecution, drill));
  }
  return historyRows(runs, drill, (id) => executionLink(region, id));
}

const COLUMNS: readonly { readonly key: keyof HistoryRow; readonly title: string }[] = [
  { key: 'date', title: 'DATE' },
  { key: 'result', title: 'RESULT' },
  { key: 'rto', title: 'RTO / TARGET' },
  { key: 'rpo', title: 'RPO / TARGET' },
  { key: 'backup', title: 'DUMP / SNAPSHOT' },
  { key: 'link', title: 'EXECUTION' },
];

/** The rows as an aligned table; the link last, so a long one does not push the others. */
function table(rows: readonly HistoryRow[]): string {
  const widths = COLUMNS.map((c) => Math.max(c.title.length, ...rows.map((r) => r[c.key].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : pad(cell, widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(COLUMNS.map((c) => c.title)), ...rows.map((r) => line(COLUMNS.map((c) => r[c.key])))].join('\n')}\n(! over target)\n`;
}
