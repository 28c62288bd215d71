/**
 * What the remediator does now, and why: a pure function of what it read (the alarm's state, the
 * mute rules, SSM's own execution history on the target, when the target was deployed), the
 * remediation and the clock. The Lambda acts on the {@link Decision}; `vigil remediate --dry-run`
 * prints its verdicts. Nothing is stored anywhere but in SSM's history: every execution Vigil starts
 * carries the target's tag (lib/naming.ts `executionTargetTagKey`), so the guardrails count runs
 * and find a running one with DescribeAutomationExecutions.
 *
 * The rules, in the order a careful operator applies them:
 * - the alarm must still be in ALARM (a recovered alarm needs no restart);
 * - no mute window may hold it (maintenance, `vigil mute`: someone is working on it);
 * - never two runs at once on one target;
 * - at most `maxRunsPerDay` starts in 24 h on the target, then stop and page a person;
 * - `cooldownMinutes` since the last start on the target (waived when climbing the ladder after a
 *   rung of this same alarm episode failed: the rollback must not wait for the restart's cooldown);
 * - ladder: the first rung, or at once the first rollback rung when the target was deployed within
 *   `recentDeployMinutes` (a fresh deploy is the likeliest cause; restarting it changes nothing).
 * A fact that could not be read holds the remediation back: it acts only on what it knows.
 */
import { executionTargetTagKey } from '../../lib/naming.ts';
import { isRollback, type Remediation, type RemediationStep } from '../../lib/remediation/model.ts';
import { targetIdOf } from '../../lib/remediation/parameters.ts';
import { RUNNING_STATUSES } from './events.ts';

/** A fact read from AWS, or why it could not be. */
export type Known<T> =
  | { readonly known: true; readonly value: T }
  | { readonly known: false; readonly why: string };

/** One Automation execution of the project's remediation documents on a target. */
export interface ExecutionRecord {
  readonly id: string;
  readonly document: string;
  readonly status: string;
  readonly start: Date;
  readonly end?: Date;
  /** The target tag key it was found under ({@link targetKeyOf}). */
  readonly targetKey: string;
}

/** The mute window holding an alarm now. */
export interface MutedBy {
  /** The window's name (the mute rule's name without `vigil-<project>-mute-`). */
  readonly window: string;
  readonly until: Date;
}

/** Everything {@link decide} reads. */
export interface RemediationFacts {
  /** The alarm's state now (DescribeAlarms). */
  readonly alarm: Known<{ readonly state: string }>;
  /** The mute window holding the alarm now; null when none does. */
  readonly mute: Known<MutedBy | null>;
  /** Executions on the ladder's targets started in the last 24 h, and any still running. */
  readonly history: Known<readonly ExecutionRecord[]>;
  /**
   * When the target of the first rollback rung was last deployed (ECS primary deployment, Lambda
   * version); null when the ladder has no rollback rung after the first, or recent-deploy is off.
   */
  readonly deployedAt: Known<Date> | null;
}

/** How {@link decide} was asked. */
export interface DecideOptions {
  /**
   * The outcome handler climbing the ladder: rung `climbFrom` (0-based) of this alarm episode
   * failed, so the next rung is started, cooldown waived.
   */
  readonly climbFrom?: number;
}

/** A guardrail's verdict: `pass` lets it act, `hold` stops it, `skip` did not apply, `unknown` could not tell. */
export interface Verdict {
  readonly guardrail: 'alarm' | 'mute' | 'running' | 'budget' | 'cooldown' | 'deploy' | 'ladder';
  readonly verdict: 'pass' | 'hold' | 'skip' | 'unknown';
  /** The verdict in words, e.g. "last run started 03:27 UTC; cooldown until 03:42 UTC". */
  readonly detail: string;
}

/** Why a remediation is held back (a page at the alarm's severity says so). */
export type HoldReason =
  | { readonly code: 'alarm-ok'; readonly state: string }
  | { readonly code: 'muted'; readonly window: string; readonly until: Date }
  | { readonly code: 'running'; readonly executionId: string }
  | { readonly code: 'cooldown'; readonly until: Date }
  | { readonly code: 'unknown'; readonly what: string; readonly why: string };

/** Why Vigil gives up and pages a person, one severity up. */
export type GiveUpReason =
  | { readonly code: 'budget'; readonly runs: number; readonly maxRunsPerDay: number }
  | { readonly code: 'no-rung-left'; readonly failedRung: number }
  | { readonly code: 'no-previous-version'; readonly rung: number; readonly why: string };

/** What to do now. `rung` is 0-based. */
export type Decision =
  | {
      readonly kind: 'start';
      readonly rung: number;
      readonly step: RemediationStep;
      readonly targetKey: string;
      /** Why this rung: the first, a recent deploy jumped to a rollback, or climbing after a failure. */
      readonly why: 'first-rung' | 'recent-deploy' | 'climb';
      readonly verdicts: readonly Verdict[];
    }
  | {
      readonly kind: 'hold';
      readonly reason: HoldReason;
      readonly rung: number;
      readonly verdicts: readonly Verdict[];
    }
  | { readonly kind: 'give-up'; readonly reason: GiveUpReason; readonly verdicts: readonly Verdict[] };

/** The tag key SSM executions on a rung's target carry. */
export function targetKeyOf(step: RemediationStep): string {
  return executionTargetTagKey(targetIdOf(step));
}

/** The index of the first rollback rung after the first rung, or -1. */
export function firstRollbackRung(remediation: Remediation): number {
  return remediation.steps.findIndex((s, i) => i > 0 && isRollback(s));
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** "03:42 UTC". */
export function clock(d: Date): string {
  return `${d.toISOString().slice(11, 16)} UTC`;
}

/** Decides what to do now. Pure: same facts, remediation and clock, same decision. */
export function decide(
  facts: RemediationFacts,
  remediation: Remediation,
  now: Date,
  options: DecideOptions = {},
): Decision {
  const verdicts: Verdict[] = [];
  let hold: HoldReason | undefined;
  let giveUp: GiveUpReason | undefined;
  let cooldown: HoldReason | undefined;
  const holdOnce = (reason: HoldReason) => {
    hold ??= reason;
  };

  // Alarm
  if (!facts.alarm.known) {
    verdicts.push({
      guardrail: 'alarm',
      verdict: 'unknown',
      detail: `could not read its state: ${facts.alarm.why}`,
    });
    holdOnce({ code: 'unknown', what: 'the alarm state', why: facts.alarm.why });
  } else if (facts.alarm.value.state !== 'ALARM') {
    verdicts.push({
      guardrail: 'alarm',
      verdict: 'hold',
      detail: `${remediation.alarmName} is ${facts.alarm.value.state}`,
    });
    holdOnce({ code: 'alarm-ok', state: facts.alarm.value.state });
  } else {
    verdicts.push({ guardrail: 'alarm', verdict: 'pass', detail: `${remediation.alarmName} is in ALARM` });
  }

  // Mute
  if (!facts.mute.known) {
    verdicts.push({
      guardrail: 'mute',
      verdict: 'unknown',
      detail: `could not read the mute rules: ${facts.mute.why}`,
    });
    holdOnce({ code: 'unknown', what: 'the mute rules', why: facts.mute.why });
  } else if (facts.mute.value) {
    const { window, until } = facts.mute.value;
    verdicts.push({
      guardrail: 'mute',
      verdict: 'hold',
      detail: `muted by maintenance window ${window} until ${clock(until)}`,
    });
    holdOnce({ code: 'muted', window, until });
  } else {
    verdicts.push({ guardrail: 'mute', verdict: 'pass', detail: 'no mute window holds it now' });
  }

  // Ladder: which rung
  let rung = 0;
  let why: 'first-rung' | 'recent-deploy' | 'climb' = 'first-rung';
  const rollback = firstRollbackRung(remediation);
  if (options.climbFrom !== undefined) {
    rung = options.climbFrom + 1;
    why = 'climb';
    verdicts.push({ guardrail: 'deploy', verdict: 'skip', detail: 'not read when climbing the ladder' });
  } else if (facts.deployedAt === null || rollback < 0 || remediation.recentDeployMinutes <= 0) {
    verdicts.push({
      guardrail: 'deploy',
      verdict: 'skip',
      detail:
        rollback < 0
          ? 'no rollback rung to jump to'
          : remediation.recentDeployMinutes <= 0
            ? 'recent-deploy jump turned off (recentDeployMinutes: 0)'
            : 'no deploy time for this target',
    });
  } else if (!facts.deployedAt.known) {
    verdicts.push({
      guardrail: 'deploy',
      verdict: 'unknown',
      detail: `deploy time unknown (${facts.deployedAt.why}); starting with the first rung`,
    });
  } else {
    const ago = now.getTime() - facts.deployedAt.value.getTime();
    const minutes = Math.floor(ago / MINUTE);
    if (ago >= 0 && ago < remediation.recentDeployMinutes * MINUTE) {
      rung = rollback;
      why = 'recent-deploy';
      verdicts.push({
        guardrail: 'deploy',
        verdict: 'pass',
        detail: `deployed ${minutes} min ago (within ${remediation.recentDeployMinutes} min): rolling back at once (rung ${rollback + 1})`,
      });
    } else {
      verdicts.push({
        guardrail: 'deploy',
        verdict: 'pass',
        detail: `deployed ${minutes} min ago (not within ${remediation.recentDeployMinutes} min): first rung`,
      });
    }
  }

  const step = remediation.steps[rung];
  if (!step) {
    const failedRung = options.climbFrom ?? rung;
    verdicts.push({
      guardrail: 'ladder',
      verdict: 'hold',
      detail: `no rung left after rung ${failedRung + 1}`,
    });
    return { kind: 'give-up', reason: { code: 'no-rung-left', failedRung }, verdicts };
  }
  verdicts.push({
    guardrail: 'ladder',
    verdict: 'pass',
    detail: `rung ${rung + 1} of ${remediation.steps.length}`,
  });

  // History on the rung's target
  const targetKey = targetKeyOf(step);
  if (!facts.history.known) {
    for (const guardrail of ['running', 'budget', 'cooldown'] as const) {
      verdicts.push({
        guardrail,
        verdict: 'unknown',
        detail: `could not read the execution history: ${facts.history.why}`,
      });
    }
    holdOnce({ code: 'unknown', what: 'the execution history', why: facts.history.why });
  } else {
    const runs = facts.history.value.filter((e) => e.targetKey === targetKey);
    const running = runs.find((e) => (RUNNING_STATUSES as readonly string[]).includes(e.status));
    if (running) {
      verdicts.push({
        guardrail: 'running',
        verdict: 'hold',
        detail: `already running: execution ${running.id} (${running.status}, started ${clock(running.start)})`,
      });
      holdOnce({ code: 'running', executionId: running.id });
    } else {
      verdicts.push({ guardrail: 'running', verdict: 'pass', detail: 'nothing running on the target' });
    }

    const lastDay = runs.filter((e) => now.getTime() - e.start.getTime() < 24 * HOUR);
    if (lastDay.length >= remediation.maxRunsPerDay) {
      verdicts.push({
        guardrail: 'budget',
        verdict: 'hold',
        detail: `budget spent: ${lastDay.length} runs in 24 h (at most ${remediation.maxRunsPerDay})`,
      });
      giveUp = { code: 'budget', runs: lastDay.length, maxRunsPerDay: remediation.maxRunsPerDay };
    } else {
      verdicts.push({
        guardrail: 'budget',
        verdict: 'pass',
        detail: `${lastDay.length} of ${remediation.maxRunsPerDay} runs in 24 h`,
      });
    }

    const last = runs.reduce<ExecutionRecord | undefined>(
      (newest, e) => (newest && newest.start >= e.start ? newest : e),
      undefined,
    );
    if (why === 'climb') {
      verdicts.push({
        guardrail: 'cooldown',
        verdict: 'skip',
        detail: `waived: climbing the ladder after rung ${rung} failed`,
      });
    } else if (last && now.getTime() - last.start.getTime() < remediation.cooldownMinutes * MINUTE) {
      const until = new Date(last.start.getTime() + remediation.cooldownMinutes * MINUTE);
      verdicts.push({
        guardrail: 'cooldown',
        verdict: 'hold',
        detail: `last run started ${clock(last.start)}; cooldown until ${clock(until)}`,
      });
      cooldown = { code: 'cooldown', until };
    } else {
      verdicts.push({
        guardrail: 'cooldown',
        verdict: 'pass',
        detail: last
          ? `last run started ${clock(last.start)}, more than ${remediation.cooldownMinutes} min ago`
          : `no run in 24 h`,
      });
    }
  }

  // A recovered, muted, unreadable or busy target is held whatever the budget says; a spent budget
  // then gives up and pages a person, even in a cooldown (nothing will start when it ends either).
  if (hold) return { kind: 'hold', reason: hold, rung, verdicts };
  if (giveUp) return { kind: 'give-up', reason: giveUp, verdicts };
  if (cooldown) return { kind: 'hold', reason: cooldown, rung, verdicts };
  return { kind: 'start', rung, step, targetKey, why, verdicts };
}
