/**
 * The remediator's pages: every decision is paged on the incident's key, to the readable notify
 * topic of the remediation's severity ("gave up" one severity up), so the person reading the
 * incident sees what Vigil did, is doing, or declined to do, and why. Each page has an SMS line of
 * at most 140 ASCII characters, an email subject under 100 and an email. A drill (game day) says
 * DRILL first on every line. Pure and deterministic.
 */
import type { Severity } from '../../lib/config/monitor-schema.ts';
import { incidentKey } from '../../lib/naming.ts';
import { describeStep, ladderSummary } from '../../lib/remediation/catalog.ts';
import type { Remediation, RemediationStep } from '../../lib/remediation/model.ts';
import { clock, type GiveUpReason, type HoldReason, type Verdict } from './guardrails.ts';

/** SNS's SMS limit for ASCII text. */
export const SMS_MAX = 140;
/** SNS: subjects under 100 characters. */
export const SUBJECT_MAX = 99;

/** One page, ready to publish. */
export interface RemediationPage {
  readonly incidentKey: string;
  readonly severity: Severity;
  /** The `state` message attribute: what integrations filter on. */
  readonly state: 'REMEDIATION';
  readonly subject: string;
  readonly sms: string;
  readonly email: string;
}

/** A started or finished execution. */
export interface ExecutionRef {
  readonly id: string;
  readonly region: string;
}

/** What every page knows. */
interface Common {
  readonly project: string;
  readonly remediation: Remediation;
  /** Game day: the alarm reason started with `[DRILL]`. */
  readonly drill: boolean;
}

/** What to page about. `rung` is 0-based. */
export type RemediationPageRequest = Common &
  (
    | {
        readonly kind: 'started';
        readonly rung: number;
        readonly step: RemediationStep;
        readonly why: 'first-rung' | 'recent-deploy' | 'climb';
        readonly execution: ExecutionRef;
        /** The resolved rollback target (`api:41`, `7`), when the rung needs one. */
        readonly target?: string;
        /** Run with DryRun=true: action steps skipped, verify runs. */
        readonly dryRun: boolean;
        readonly verdicts: readonly Verdict[];
      }
    | { readonly kind: 'held'; readonly reason: HoldReason; readonly verdicts: readonly Verdict[] }
    | {
        readonly kind: 'succeeded';
        readonly rung: number;
        readonly step: RemediationStep;
        readonly execution: ExecutionRef;
        /** From the alarm state's timestamp to the execution's end; undefined when unknown. */
        readonly toHealthyMs?: number;
      }
    | {
        readonly kind: 'failed';
        readonly rung: number;
        readonly step: RemediationStep;
        readonly execution: ExecutionRef;
        /** SSM's FailureMessage. */
        readonly failure?: string;
        /** What happens next: the next rung is tried, the alarm recovered anyway, or a person decided. */
        readonly next: 'climb' | 'give-up' | 'held' | 'alarm-ok' | 'cancelled';
      }
    | {
        readonly kind: 'gave-up';
        readonly reason: GiveUpReason;
        readonly verdicts?: readonly Verdict[];
        readonly execution?: ExecutionRef;
      }
  );

/** The console page of an Automation execution. */
export function executionLink(execution: ExecutionRef): string {
  const { id, region } = execution;
  return `https://${region}.console.aws.amazon.com/systems-manager/automation/execution/${id}?region=${region}`;
}

/** One severity up: P2 → P1, P3 → P2; P1 stays P1. */
export function oneUp(severity: Severity): Severity {
  switch (severity) {
    case 'P1':
    case 'P2':
      return 'P1';
    case 'P3':
      return 'P2';
    case 'P4':
      return 'P3';
  }
}

/** "45 s", "2 min 10 s", "1 h 5 min". */
export function spokenDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  if (total < 60) return `${total} s`;
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  if (minutes < 60) return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/** Why a remediation is held back, in a few words: "cooldown until 03:42 UTC". */
export function holdWords(reason: HoldReason): string {
  switch (reason.code) {
    case 'alarm-ok':
      return reason.state === 'OK' ? 'alarm already OK' : `alarm is ${reason.state}, not ALARM`;
    case 'muted':
      return `muted by maintenance window ${reason.window} until ${clock(reason.until)}`;
    case 'running':
      return `already running (${reason.executionId})`;
    case 'cooldown':
      return `cooldown until ${clock(reason.until)}`;
    case 'unknown':
      return `could not read ${reason.what}`;
  }
}

/** Why Vigil gave up, in a few words: "budget spent (3 runs in 24 h)". */
export function giveUpWords(reason: GiveUpReason, remediation: Remediation): string {
  switch (reason.code) {
    case 'budget':
      return `budget spent (${reason.runs} runs in 24 h)`;
    case 'no-rung-left': {
      const step = remediation.steps[reason.failedRung];
      return `health did not return after ${step ? describeStep(step) : `rung ${reason.failedRung + 1}`}; no rung left`;
    }
    case 'no-previous-version':
      return `nothing to roll back to (${reason.why})`;
  }
}

/** Formats one page. */
export function formatRemediationPage(request: RemediationPageRequest): RemediationPage {
  const { remediation } = request;
  const severity = request.kind === 'gave-up' ? oneUp(remediation.severity) : remediation.severity;
  const what = headlineText(request);
  const lead = `${request.drill ? 'DRILL ' : ''}${severity} ${remediation.service}: `;
  const line = ascii(`${lead}${what}`);
  return {
    incidentKey: incidentKey(request.project, remediation.service),
    severity,
    state: 'REMEDIATION',
    subject: cut(line, SUBJECT_MAX),
    sms: cut(line, SMS_MAX),
    email: `${[line, '', ...body(request, severity)].join('\n')}\n`,
  };
}

function headlineText(request: RemediationPageRequest): string {
  switch (request.kind) {
    case 'started': {
      const action = describeStep(request.step, request.target);
      const because =
        request.why === 'recent-deploy'
          ? '; deployed recently'
          : request.why === 'climb'
            ? '; restart did not heal'
            : '';
      return `auto-remediation started (${action}${because}${request.dryRun ? '; dry run' : ''})`;
    }
    case 'held':
      return `auto-remediation held back: ${holdWords(request.reason)}`;
    case 'succeeded':
      return request.toHealthyMs === undefined
        ? 'remediation succeeded: health back'
        : `remediation succeeded: health back after ${spokenDuration(request.toHealthyMs)}`;
    case 'failed': {
      const after = `health did not return after ${describeStep(request.step)}`;
      switch (request.next) {
        case 'climb':
          return `remediation failed: ${after}; trying the next rung`;
        case 'give-up':
        case 'held':
          return `remediation failed: ${after}`;
        case 'alarm-ok':
          return `remediation failed verification, but the alarm is OK now`;
        case 'cancelled':
          return `remediation cancelled (${describeStep(request.step)})`;
      }
      break;
    }
    case 'gave-up':
      return `gave up: paging a person (${giveUpWords(request.reason, request.remediation)})`;
  }
  return '';
}

function body(request: RemediationPageRequest, severity: Severity): string[] {
  const { remediation } = request;
  const lines: string[] = [];
  if (request.drill) {
    lines.push(
      'DRILL: game day. The alarm reason starts with [DRILL]; the ladder runs with DryRun=true (actions skipped, verification runs). No action is needed.',
      '',
    );
  }
  lines.push(
    `Service: ${remediation.service}`,
    `Monitor: ${remediation.monitor}${remediation.aspect ? ` (${remediation.aspect})` : ''}`,
    `Alarm: ${remediation.alarmName}`,
    `Severity: ${severity}${severity !== remediation.severity ? `, escalated from ${remediation.severity}` : ''}`,
  );
  switch (request.kind) {
    case 'started':
      lines.push(
        `Action: ${describeStep(request.step, request.target)} (rung ${request.rung + 1} of ${remediation.steps.length})`,
        `Why this rung: ${
          request.why === 'recent-deploy'
            ? `the target was deployed within ${remediation.recentDeployMinutes} min, so it is rolled back at once`
            : request.why === 'climb'
              ? `rung ${request.rung} did not bring health back`
              : 'first rung of the ladder'
        }`,
        `Execution: ${executionLink(request.execution)}`,
        `Verify: the canary re-checks ${remediation.monitor} for up to ${remediation.settleSeconds} s after the action; "restarted" is not "fixed".`,
        ...(request.dryRun ? ['Dry run: action steps are skipped, verification runs.'] : []),
      );
      break;
    case 'held':
      lines.push(`Held back: ${holdWords(request.reason)}`);
      if (request.reason.code === 'unknown') lines.push(`Error: ${request.reason.why}`);
      lines.push('Nothing was started. The alarm keeps paging as usual.');
      break;
    case 'succeeded':
      lines.push(
        `Action: ${describeStep(request.step)} (rung ${request.rung + 1} of ${remediation.steps.length})`,
        `Verified: the canary's check of ${remediation.monitor} passed${request.toHealthyMs === undefined ? '' : `, ${spokenDuration(request.toHealthyMs)} after the alarm`}.`,
        `Execution: ${executionLink(request.execution)}`,
        'Look for the cause: the remediation treats the symptom.',
      );
      break;
    case 'failed':
      lines.push(
        `Action: ${describeStep(request.step)} (rung ${request.rung + 1} of ${remediation.steps.length})`,
        `Result: ${request.failure ?? 'the document failed'}`,
        `Execution: ${executionLink(request.execution)}`,
        request.next === 'climb'
          ? `Next: rung ${request.rung + 2}, ${describeStep(remediation.steps[request.rung + 1] ?? request.step)} (its own page follows).`
          : request.next === 'alarm-ok'
            ? 'Next: nothing; the alarm recovered by itself.'
            : request.next === 'cancelled'
              ? 'Next: nothing; the ladder stops at a cancel.'
              : request.next === 'held'
                ? 'Next: the next rung is held back (its own page says why).'
                : 'Next: a person (its own page follows).',
      );
      break;
    case 'gave-up':
      lines.push(`Gave up: ${giveUpWords(request.reason, remediation)}`);
      if (request.execution) lines.push(`Last execution: ${executionLink(request.execution)}`);
      lines.push('A person is needed now: follow the runbook.');
      break;
  }
  if ('verdicts' in request && request.verdicts) {
    lines.push('', 'Guardrails:');
    for (const v of request.verdicts) lines.push(`- ${v.guardrail}: ${v.verdict} (${v.detail})`);
  }
  lines.push(
    '',
    `Ladder: ${ladderSummary(remediation)}`,
    `Runbook: ${remediation.runbook ?? 'none linked'}`,
    `Incident key: ${incidentKey(request.project, remediation.service)}`,
  );
  return lines;
}

/** Printable ASCII only: one non-GSM character sends an SMS as UCS-2, 70 characters a part. */
function ascii(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[^\x20-\x7e]/g, '?');
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}
