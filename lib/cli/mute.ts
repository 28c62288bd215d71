/**
 * `vigil mute` / `vigil unmute`: a maintenance window on demand, for a deploy pipeline or a backup
 * job. Built on CloudWatch's own alarm mute rules, like the config's recurring `maintenance`
 * windows: a one-time rule on every alarm of the service, starting now. While it lasts the alarms
 * keep evaluating (checks and metrics keep running) but their actions are held, so nothing pages
 * and nothing is remediated; whatever still breaches when it ends pages then (the pager's sweep).
 *
 * The plan (which rules, with which input) is pure: config + clock + arguments in, the exact
 * `PutAlarmMuteRule` inputs out. The commands take the CloudWatch client, the clock and the time
 * zone from {@link CliDeps}, so tests assert the exact calls with a fixed clock.
 */
import type { GetAlarmMuteRuleCommandOutput, PutAlarmMuteRuleCommandInput } from '@aws-sdk/client-cloudwatch';
import { aws } from '../../lambdas/shared/aws.ts';
import { DEFAULT_CONFIG_FILE, loadConfig as defaultLoadConfig, type VigilConfig } from '../config/index.ts';
import { muteRuleName, projectPrefix } from '../naming.ts';
import { serviceAlarmNames } from '../paging/catalog.ts';
import {
  type CliDeps,
  type CliIo,
  createStyle,
  ExitCode,
  loadOrReport,
  type Style,
  shouldColor,
} from './terminal.ts';

/** The longest `--for`: a forgotten mute must not hide a real outage for days. Recurring work belongs in `maintenance`. */
export const MAX_MUTE_MINUTES = 24 * 60;

/** CloudWatch's limit on the alarms one mute rule may target; more are split over `-1`, `-2`, … rules. */
export const MAX_ALARMS_PER_RULE = 100;

/** CloudWatch's limit on a mute rule's description. */
export const MAX_DESCRIPTION_LENGTH = 1024;

/** Parts probed by `vigil unmute` before giving up: 50 rules of 100 alarms is far beyond any config. */
const MAX_RULE_PARTS = 50;

/** Which services a mute or unmute is about. */
export type MuteTarget = { readonly service: string } | { readonly all: true };

/** `vigil mute`, parsed. */
export interface MuteOptions {
  readonly config: string;
  readonly target: MuteTarget;
  /** `--for` as typed; parsed by {@link parseMuteDuration}. */
  readonly duration: string;
  readonly reason?: string;
}

/** `vigil unmute`, parsed. */
export interface UnmuteOptions {
  readonly config: string;
  readonly target: MuteTarget;
}

const DURATION_EXAMPLES = 'e.g. 30m, 2h or 1h30m';

/**
 * Parses `--for`: hours and/or minutes (`30m`, `2h`, `1h30m`; `1d` is 24 h), from 1 minute to
 * {@link MAX_MUTE_MINUTES}. Mute rules last whole minutes, so seconds are refused with the fix. Pure.
 */
export function parseMuteDuration(text: string): { readonly minutes: number } | { readonly error: string } {
  const value = text.trim().toLowerCase();
  if (value === '') return { error: `--for needs a duration, ${DURATION_EXAMPLES}` };
  if (/^\d+$/.test(value)) {
    return { error: `--for ${text}: add a unit, e.g. ${value}m (minutes) or ${value}h (hours)` };
  }
  const seconds = /^(\d+)s$/.exec(value);
  if (seconds) {
    const rounded = Math.max(1, Math.ceil(Number(seconds[1]) / 60));
    return { error: `--for ${text}: mutes last whole minutes; use ${rounded}m` };
  }
  const parts = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/.exec(value);
  if (!parts)
    return { error: `--for ${text}: not a duration; give hours and/or minutes, ${DURATION_EXAMPLES}` };
  const minutes = Number(parts[1] ?? 0) * 1440 + Number(parts[2] ?? 0) * 60 + Number(parts[3] ?? 0);
  if (minutes < 1) return { error: `--for ${text}: must be at least 1 minute, ${DURATION_EXAMPLES}` };
  if (minutes > MAX_MUTE_MINUTES) {
    return {
      error: `--for ${text}: longer than the ${MAX_MUTE_MINUTES / 60}h maximum; mute again when it ends, or add a maintenance window to the config for recurring work`,
    };
  }
  return { minutes };
}

/** ISO 8601 duration of a mute rule's schedule: `PT30M`, `PT2H`, `PT1H30M`. Pure. */
export function isoDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `PT${h > 0 ? `${h}H` : ''}${m > 0 || h === 0 ? `${m}M` : ''}`;
}

/** `30 min`, `2 h`, `1 h 30 min`. Pure. */
export function formatMinutes(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return [h > 0 ? `${h} h` : '', m > 0 || h === 0 ? `${m} min` : ''].filter((s) => s !== '').join(' ');
}

/** The start of the minute `epochMs` falls in: a mute rule's `at()` has no seconds. Pure. */
export function startOfMinute(epochMs: number): Date {
  return new Date(Math.floor(epochMs / 60_000) * 60_000);
}

/** A one-time schedule at `start`, in UTC: `at(2026-02-24T09:05)` (CloudWatch's `at(yyyy-MM-ddThh:mm)`). Pure. */
export function atExpression(start: Date): string {
  return `at(${start.toISOString().slice(0, 16)})`;
}

/** `2026-02-24 09:05` in `timeZone` (an IANA name, or `UTC`). Pure. */
export function formatInZone(date: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** `2026-02-24 09:35 UTC (2026-02-24 12:35 Europe/Istanbul)`; the local part only when it is not UTC. Pure. */
export function formatUtcAndLocal(date: Date, timeZone: string): string {
  const utc = `${formatInZone(date, 'UTC')} UTC`;
  return isUtc(timeZone) ? utc : `${utc} (${formatInZone(date, timeZone)} ${timeZone})`;
}

function isUtc(timeZone: string): boolean {
  return ['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Universal', 'Etc/Zulu', 'Zulu'].includes(
    timeZone,
  );
}

/**
 * Who is muting, for the rule's description: the CI's user (`GITHUB_ACTOR`, `GITLAB_USER_LOGIN`),
 * else the login (`USER`, `USERNAME`). CloudTrail has the exact caller; this is for people. Pure.
 */
export function mutedBy(env: CliIo['env']): string | undefined {
  for (const name of ['GITHUB_ACTOR', 'GITLAB_USER_LOGIN', 'USER', 'USERNAME']) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

/** The mute rule of `vigil mute SERVICE`, or its `part` when the service has over 100 alarms. */
export function cliMuteRuleName(project: string, service: string, part?: number): string {
  return muteRuleName(project, part === undefined ? `cli-${service}` : `cli-${service}-${part}`);
}

/** The rule names `vigil mute SERVICE` uses for `alarmCount` alarms: one, or one per 100. Pure. */
export function cliMuteRuleNames(project: string, service: string, alarmCount: number): string[] {
  const parts = Math.ceil(alarmCount / MAX_ALARMS_PER_RULE);
  if (parts <= 1) return [cliMuteRuleName(project, service)];
  return Array.from({ length: parts }, (_, i) => cliMuteRuleName(project, service, i + 1));
}

/**
 * Mute rule names someone else owns, by owner: the config's maintenance windows, and the `vigil mute`
 * rules of every service but `service`. Service names may end in digits, so `cli-api-1` (part 1 of
 * `api`) could be the rule of a service called `api-1`: mute refuses such a name and unmute skips it.
 */
function rulesOwnedElsewhere(config: VigilConfig, service: string): Map<string, string> {
  const owners = new Map<string, string>();
  for (const w of config.maintenance)
    owners.set(muteRuleName(config.project, w.name), `maintenance window "${w.name}"`);
  for (const s of config.services) {
    if (s.name === service) continue;
    const names = [
      cliMuteRuleName(config.project, s.name),
      ...cliMuteRuleNames(config.project, s.name, serviceAlarmNames(config, s.name).length),
    ];
    for (const name of names) owners.set(name, `vigil mute of service "${s.name}"`);
  }
  return owners;
}

/** One service's share of a mute: its alarms and the rules that mute them. */
export interface ServiceMute {
  readonly service: string;
  readonly alarmCount: number;
  /** The exact `PutAlarmMuteRule` inputs, in order. */
  readonly rules: readonly PutAlarmMuteRuleCommandInput[];
}

/** What `vigil mute` will do. */
export interface MutePlan {
  /** The start of the current minute: the rules' `at()`. */
  readonly start: Date;
  /** When the mute ends: start + duration. */
  readonly end: Date;
  readonly minutes: number;
  readonly services: readonly ServiceMute[];
}

/** A plan, or why there is none (a usage error: unknown service, nothing to mute, a name clash). */
export type MutePlanResult = MutePlan | { readonly error: string };

/**
 * Resolves `SERVICE` (or `--all`) to services, or says why not: an unknown name lists the known
 * services (and, when it names a monitor, that monitor's service). Pure.
 */
export function resolveMuteServices(
  config: VigilConfig,
  target: MuteTarget,
): { readonly services: readonly string[] } | { readonly error: string } {
  const known = config.services.map((s) => s.name);
  if ('all' in target) return { services: known };
  if (known.includes(target.service)) return { services: [target.service] };
  const monitor = config.monitors.find((m) => m.name === target.service);
  const hint = monitor ? `; "${monitor.name}" is a monitor of service "${monitor.service}"` : '';
  return { error: `unknown service "${target.service}"${hint}; known services: ${known.join(', ')}` };
}

/**
 * Builds the `PutAlarmMuteRule` inputs of `vigil mute`: per service, every alarm
 * {@link serviceAlarmNames} lists, 100 to a rule, muted from the start of the current minute (UTC)
 * for `minutes`. No `ExpireDate`: it must not be set with an `at()` schedule (Terraform's and
 * Pulumi's AlarmMuteRule docs), and a one-time rule turns `EXPIRED` by itself when its window
 * closes; the next mute replaces it, `vigil unmute` deletes it. Pure.
 */
export function planMute(
  config: VigilConfig,
  request: {
    readonly target: MuteTarget;
    readonly minutes: number;
    readonly now: number;
    readonly reason?: string | undefined;
    readonly by?: string | undefined;
  },
): MutePlanResult {
  const resolved = resolveMuteServices(config, request.target);
  if ('error' in resolved) return resolved;
  const start = startOfMinute(request.now);
  const end = new Date(start.getTime() + request.minutes * 60_000);
  const services: ServiceMute[] = [];
  for (const service of resolved.services) {
    const alarms = serviceAlarmNames(config, service);
    if (alarms.length === 0) {
      if ('all' in request.target) continue;
      return { error: `service "${service}" has no enabled monitors, so it has no alarms to mute` };
    }
    const names = cliMuteRuleNames(config.project, service, alarms.length);
    const owners = rulesOwnedElsewhere(config, service);
    const taken = names.find((n) => owners.has(n));
    if (taken) {
      return {
        error: `cannot mute "${service}": its mute rule ${taken} is also the ${owners.get(taken)}'s; rename one of them`,
      };
    }
    const description = muteDescription({
      service,
      minutes: request.minutes,
      end,
      by: request.by,
      reason: request.reason,
    });
    services.push({
      service,
      alarmCount: alarms.length,
      rules: names.map((name, i) => ({
        Name: name,
        Description: description,
        Rule: {
          Schedule: {
            Expression: atExpression(start),
            Duration: isoDuration(request.minutes),
            Timezone: 'UTC',
          },
        },
        MuteTargets: {
          AlarmNames: alarms.slice(i * MAX_ALARMS_PER_RULE, (i + 1) * MAX_ALARMS_PER_RULE),
        },
      })),
    });
  }
  if (services.length === 0)
    return { error: 'no service has an enabled monitor, so there are no alarms to mute' };
  return { start, end, minutes: request.minutes, services };
}

/**
 * The rule's description, for whoever finds it in the console: what, until when, who, why.
 * `Muted by vigil mute: service "api" for 30 min until 2026-02-24 09:35 UTC, by alice. Reason: deploy 1.4.2`
 */
export function muteDescription(m: {
  readonly service: string;
  readonly minutes: number;
  readonly end: Date;
  readonly by?: string | undefined;
  readonly reason?: string | undefined;
}): string {
  const text = `Muted by vigil mute: service "${m.service}" for ${formatMinutes(m.minutes)} until ${formatInZone(m.end, 'UTC')} UTC${m.by ? `, by ${m.by}` : ''}${m.reason ? `. Reason: ${m.reason}` : ''}`;
  return text.length <= MAX_DESCRIPTION_LENGTH ? text : `${text.slice(0, MAX_DESCRIPTION_LENGTH - 1)}…`;
}

/**
 * The rule names `vigil unmute SERVICE` looks for, in order: the single rule, then parts `-1`, `-2`, …
 * (probed until one is missing, whatever the service's alarm count is now), never a name another
 * service or a maintenance window owns. Pure.
 */
export function unmuteCandidates(
  config: VigilConfig,
  service: string,
): { single?: string; part(n: number): string | undefined } {
  const owners = rulesOwnedElsewhere(config, service);
  const single = cliMuteRuleName(config.project, service);
  return {
    ...(!owners.has(single) && { single }),
    part: (n) => {
      const name = cliMuteRuleName(config.project, service, n);
      return n <= MAX_RULE_PARTS && !owners.has(name) ? name : undefined;
    },
  };
}

/** Why a CloudWatch call failed, and what fixes it: access, credentials, Region, or AWS's own words. */
export function describeAwsFailure(
  error: unknown,
  needs: { readonly actions: readonly string[]; readonly project: string },
): { readonly message: string; readonly hint?: string } {
  const e = error instanceof Error ? error : new Error(String(error));
  const what = e.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : e.message;
  const prefix = projectPrefix(needs.project);
  if (/^AccessDenied(Exception)?$/.test(e.name) || /not authorized/i.test(e.message)) {
    const targets = needs.actions.includes('cloudwatch:PutAlarmMuteRule')
      ? ` and, for PutAlarmMuteRule, on every alarm it targets (arn:aws:cloudwatch:REGION:ACCOUNT:alarm:${prefix}*)`
      : '';
    return {
      message: what,
      hint: `the caller needs ${needs.actions.join(', ')} on the mute rules (arn:aws:cloudwatch:REGION:ACCOUNT:alarm-mute-rule:${prefix}mute-cli-*)${targets}; see "Muting from a pipeline" in the README`,
    };
  }
  if (e.name === 'CredentialsProviderError' || /credential/i.test(e.message)) {
    return {
      message: what,
      hint: 'no usable AWS credentials: set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or run where a role is attached',
    };
  }
  if (/region is missing/i.test(e.message)) {
    return {
      message: what,
      hint: `set AWS_REGION to the Region the vigil-${needs.project} stack is deployed in`,
    };
  }
  return { message: what };
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && /^ResourceNotFound(Exception)?$/.test(error.name);
}

/** `--config FILE` for the undo hint, when it is not the default. */
function configFlag(file: string): string {
  return file === DEFAULT_CONFIG_FILE ? '' : ` --config ${file}`;
}

function reportFailure(io: CliIo, what: string, failure: { message: string; hint?: string }): void {
  io.stderr.write(`vigil: ${what}: ${failure.message}\n`);
  if (failure.hint) io.stderr.write(`hint: ${failure.hint}\n`);
}

/**
 * `vigil mute SERVICE --for DURATION [--reason TEXT]` (or `--all`): puts the plan's rules one by one.
 * 0 when every rule is in place; 2 on a bad duration, config or service; 1 when CloudWatch refused
 * or could not be reached (what was already muted is listed, with the undo).
 */
export async function muteCommand(options: MuteOptions, io: CliIo, deps: CliDeps = {}): Promise<number> {
  const duration = parseMuteDuration(options.duration);
  if ('error' in duration) {
    io.stderr.write(`vigil: ${duration.error}\n`);
    return ExitCode.usage;
  }
  const config = await loadOrReport(options.config, io, deps.loadConfig ?? defaultLoadConfig);
  if (!config) return ExitCode.usage;
  const plan = planMute(config, {
    target: options.target,
    minutes: duration.minutes,
    now: (deps.now ?? Date.now)(),
    reason: options.reason,
    by: mutedBy(io.env),
  });
  if ('error' in plan) {
    io.stderr.write(`vigil: ${plan.error}\n`);
    return ExitCode.usage;
  }
  const { sdk, client } = await (deps.cloudwatch ?? aws.cloudwatch)();
  const undo = `vigil unmute ${'all' in options.target ? '--all' : options.target.service}${configFlag(options.config)}`;
  const done: string[] = [];
  for (const service of plan.services) {
    for (const rule of service.rules) {
      try {
        await client.send(new sdk.PutAlarmMuteRuleCommand(rule));
        done.push(rule.Name ?? '');
      } catch (error) {
        reportFailure(
          io,
          `could not mute "${service.service}" (mute rule ${rule.Name})`,
          describeAwsFailure(error, { actions: ['cloudwatch:PutAlarmMuteRule'], project: config.project }),
        );
        if (done.length > 0) {
          io.stderr.write(
            `already in place, muting until the end or the undo: ${done.join(', ')}\nundo: ${undo}\n`,
          );
        }
        return ExitCode.muteFailed;
      }
    }
  }
  const style = createStyle(shouldColor(io.stdout, io.env));
  const timeZone = deps.timeZone ?? localTimeZone();
  io.stdout.write(formatMuted(plan, { timeZone, undo, reason: options.reason }, style));
  return ExitCode.ok;
}

function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** What `vigil mute` prints: what was muted, until when (UTC and local), what that means, how to undo. */
export function formatMuted(
  plan: MutePlan,
  options: { readonly timeZone: string; readonly undo: string; readonly reason?: string | undefined },
  style: Style = createStyle(false),
): string {
  const alarms = plan.services.reduce((n, s) => n + s.alarmCount, 0);
  const what =
    plan.services.length === 1
      ? `"${plan.services[0]?.service}"`
      : `${plan.services.length} services (${plan.services.map((s) => s.service).join(', ')})`;
  const lines = [
    `${style.green('✓')} Muted ${what}, ${alarms} alarm${alarms === 1 ? '' : 's'}, for ${formatMinutes(plan.minutes)}: until ${formatUtcAndLocal(plan.end, options.timeZone)}`,
    ...plan.services.flatMap((s) =>
      s.rules.map((r) =>
        style.dim(`  mute rule ${r.Name}: ${r.MuteTargets?.AlarmNames?.length ?? 0} alarms`),
      ),
    ),
    ...(options.reason ? [`Reason: ${options.reason}`] : []),
    'Pages and remediation are held until then; checks and metrics keep running. Whatever still breaches',
    'when the mute ends pages then.',
    `Undo: ${options.undo}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** The start of an `at(yyyy-MM-ddThh:mm[:ss])` expression read as UTC, or undefined. */
export function atStart(expression: string | undefined): number | undefined {
  const m = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?\)$/.exec(expression ?? '');
  if (!m) return undefined;
  return Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6] ?? 0),
  );
}

/**
 * The rule `vigil unmute` puts in place of an active one: the same start and alarms, its window
 * ending at the current minute. Deleting the rule would lose what it held: the pager's sweep pages
 * an alarm still in ALARM when a mute window it breached in has closed, and a deleted rule no longer
 * says when that was. The rule then expires by itself. Undefined for a rule it cannot shorten (not
 * a one-time `at()` rule, or not active), which is deleted instead.
 */
export function endedNow(
  name: string,
  rule: GetAlarmMuteRuleCommandOutput,
  now: number,
): PutAlarmMuteRuleCommandInput | undefined {
  const schedule = rule.Rule?.Schedule;
  const zone = schedule?.Timezone ?? 'UTC';
  const start = atStart(schedule?.Expression);
  if (rule.Status === 'EXPIRED' || start === undefined || !isUtc(zone) || now <= start) return undefined;
  const minutes = Math.max(1, Math.ceil((now - start) / 60_000));
  return {
    Name: name,
    ...(rule.Description !== undefined && {
      Description: `${rule.Description} Ended early by vigil unmute.`.slice(0, 1024),
    }),
    Rule: { Schedule: { Expression: schedule?.Expression, Duration: isoDuration(minutes), Timezone: zone } },
    MuteTargets: { AlarmNames: [...(rule.MuteTargets?.AlarmNames ?? [])] },
  };
}

/** One rule `vigil unmute` found (and ended or deleted). */
interface FoundRule {
  readonly name: string;
  readonly rule: GetAlarmMuteRuleCommandOutput;
}

/**
 * `vigil unmute SERVICE` (or `--all`): finds the service's `vigil mute` rules with `GetAlarmMuteRule`
 * (a missing rule is `ResourceNotFound`; `DeleteAlarmMuteRule` itself succeeds on a missing rule, so
 * it cannot tell), ends each active one now ({@link endedNow}) and deletes those already over. 0 when unmuted or when there was nothing to unmute (said so);
 * 2 on a bad config or service; 1 when CloudWatch refused or could not be reached.
 */
export async function unmuteCommand(options: UnmuteOptions, io: CliIo, deps: CliDeps = {}): Promise<number> {
  const config = await loadOrReport(options.config, io, deps.loadConfig ?? defaultLoadConfig);
  if (!config) return ExitCode.usage;
  const resolved = resolveMuteServices(config, options.target);
  if ('error' in resolved) {
    io.stderr.write(`vigil: ${resolved.error}\n`);
    return ExitCode.usage;
  }
  const { sdk, client } = await (deps.cloudwatch ?? aws.cloudwatch)();
  const style = createStyle(shouldColor(io.stdout, io.env));
  const now = (deps.now ?? Date.now)();
  const needs = {
    actions: ['cloudwatch:GetAlarmMuteRule', 'cloudwatch:PutAlarmMuteRule', 'cloudwatch:DeleteAlarmMuteRule'],
    project: config.project,
  };
  const get = async (name: string): Promise<FoundRule | undefined> => {
    try {
      return { name, rule: await client.send(new sdk.GetAlarmMuteRuleCommand({ AlarmMuteRuleName: name })) };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
  const unmuted: { service: string; rules: FoundRule[] }[] = [];
  for (const service of resolved.services) {
    const candidates = unmuteCandidates(config, service);
    const found: FoundRule[] = [];
    try {
      const single = candidates.single ? await get(candidates.single) : undefined;
      if (single) found.push(single);
      for (let n = 1; ; n++) {
        const name = candidates.part(n);
        const part = name ? await get(name) : undefined;
        if (!part) break;
        found.push(part);
      }
      for (const f of found) {
        const shortened = endedNow(f.name, f.rule, now);
        if (shortened) {
          await client.send(new sdk.PutAlarmMuteRuleCommand(shortened));
          continue;
        }
        try {
          await client.send(new sdk.DeleteAlarmMuteRuleCommand({ AlarmMuteRuleName: f.name }));
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
      }
    } catch (error) {
      reportFailure(io, `could not unmute "${service}"`, describeAwsFailure(error, needs));
      const before = unmuted.map((u) => u.service);
      if (before.length > 0) io.stderr.write(`already unmuted: ${before.join(', ')}\n`);
      return ExitCode.muteFailed;
    }
    if (found.length > 0) unmuted.push({ service, rules: found });
  }
  if (unmuted.length === 0) {
    io.stdout.write(
      'all' in options.target
        ? `no service is muted by vigil mute (no ${muteRuleName(config.project, 'cli-*')} rule); nothing to unmute\n`
        : `"${options.target.service}" is not muted by vigil mute (no ${cliMuteRuleName(config.project, options.target.service)} rule); nothing to unmute\n`,
    );
    return ExitCode.ok;
  }
  for (const u of unmuted) {
    io.stdout.write(`${style.green('✓')} Unmuted "${u.service}"\n`);
    for (const f of u.rules) {
      const count = f.rule.MuteTargets?.AlarmNames?.length ?? 0;
      const alarms = `${count} alarm${count === 1 ? '' : 's'}`;
      io.stdout.write(
        style.dim(
          endedNow(f.name, f.rule, now)
            ? `  ended mute rule ${f.name} now (${alarms}; it expires by itself)\n`
            : `  deleted mute rule ${f.name} (${alarms}; ${f.rule.Status === 'EXPIRED' ? 'its mute had already ended' : `was ${f.rule.Status ?? 'in place'}`})\n`,
        ),
      );
    }
  }
  io.stdout.write(
    "Alarm actions are live again. An alarm that went to ALARM during the mute and is still there pages at the pager's next sweep (within 15 minutes).\n",
  );
  return ExitCode.ok;
}
