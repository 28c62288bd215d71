import { describe, expect, it } from 'vitest';
import {
  type Decision,
  decide,
  type ExecutionRecord,
  type RemediationFacts,
  targetKeyOf,
} from '../../lambdas/remediator/guardrails.ts';
import { api, checkout, MADEF_TARGET_KEY, madef } from './fixtures.ts';

const NOW = new Date('2026-03-01T03:30:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

function run(startedMinutesAgo: number, status = 'Failed', targetKey = MADEF_TARGET_KEY): ExecutionRecord {
  return {
    id: `exec-${startedMinutesAgo}`,
    document: 'vigil-ops-remediate-compose-restart',
    status,
    start: minutesAgo(startedMinutesAgo),
    targetKey,
  };
}

/** Facts where everything lets it act: in ALARM, not muted, no history, no deploy time read. */
function facts(over: Partial<RemediationFacts> = {}): RemediationFacts {
  return {
    alarm: { known: true, value: { state: 'ALARM' } },
    mute: { known: true, value: null },
    history: { known: true, value: [] },
    deployedAt: { known: false, why: 'a host deploy leaves no release marker Vigil reads' },
    ...over,
  };
}

function verdict(decision: Decision, guardrail: string) {
  return decision.verdicts.find((v) => v.guardrail === guardrail);
}

describe('decide', () => {
  it('starts the first rung when every guardrail passes, and says so guardrail by guardrail', () => {
    const d = decide(facts(), madef, NOW);
    expect(d).toMatchObject({ kind: 'start', rung: 0, why: 'first-rung', targetKey: MADEF_TARGET_KEY });
    expect(d.verdicts).toEqual([
      { guardrail: 'alarm', verdict: 'pass', detail: 'vigil-ops-madef-api-health is in ALARM' },
      { guardrail: 'mute', verdict: 'pass', detail: 'no mute window holds it now' },
      {
        guardrail: 'deploy',
        verdict: 'unknown',
        detail:
          'deploy time unknown (a host deploy leaves no release marker Vigil reads); starting with the first rung',
      },
      { guardrail: 'ladder', verdict: 'pass', detail: 'rung 1 of 2' },
      { guardrail: 'running', verdict: 'pass', detail: 'nothing running on the target' },
      { guardrail: 'budget', verdict: 'pass', detail: '0 of 3 runs in 24 h' },
      { guardrail: 'cooldown', verdict: 'pass', detail: 'no run in 24 h' },
    ]);
  });

  it('holds back while the last run on the target started within the cooldown, until cooldown ends', () => {
    const d = decide(facts({ history: { known: true, value: [run(3)] } }), madef, NOW);
    expect(d).toMatchObject({
      kind: 'hold',
      reason: { code: 'cooldown', until: new Date('2026-03-01T03:42:00Z') },
    });
    expect(verdict(d, 'cooldown')?.detail).toBe('last run started 03:27 UTC; cooldown until 03:42 UTC');
  });

  it('acts again once the cooldown has passed', () => {
    const d = decide(facts({ history: { known: true, value: [run(15)] } }), madef, NOW);
    expect(d.kind).toBe('start');
    expect(verdict(d, 'cooldown')?.detail).toBe('last run started 03:15 UTC, more than 15 min ago');
  });

  it('gives up when the budget is spent: 3 runs in 24 h on the target, even in a cooldown', () => {
    const history = [run(5), run(60 * 5), run(60 * 23)];
    const d = decide(facts({ history: { known: true, value: history } }), madef, NOW);
    expect(d).toMatchObject({ kind: 'give-up', reason: { code: 'budget', runs: 3, maxRunsPerDay: 3 } });
    expect(verdict(d, 'budget')?.detail).toBe('budget spent: 3 runs in 24 h (at most 3)');
  });

  it('does not count runs older than 24 h, nor runs on another target', () => {
    const history = [run(60 * 24 + 1), run(60 * 25), run(60, 'Failed', 'vigil:target:ecs/prod/api')];
    const d = decide(facts({ history: { known: true, value: history } }), madef, NOW);
    expect(d.kind).toBe('start');
    expect(verdict(d, 'budget')?.detail).toBe('0 of 3 runs in 24 h');
  });

  it('never starts a second run while one is running on the target', () => {
    const d = decide(facts({ history: { known: true, value: [run(40, 'InProgress')] } }), madef, NOW);
    expect(d).toMatchObject({ kind: 'hold', reason: { code: 'running', executionId: 'exec-40' } });
    expect(verdict(d, 'running')?.detail).toBe(
      'already running: execution exec-40 (InProgress, started 02:50 UTC)',
    );
  });

  it('holds back when the alarm is already OK', () => {
    const d = decide(facts({ alarm: { known: true, value: { state: 'OK' } } }), madef, NOW);
    expect(d).toMatchObject({ kind: 'hold', reason: { code: 'alarm-ok', state: 'OK' } });
  });

  it('holds back while a mute window holds the alarm', () => {
    const until = new Date('2026-03-01T05:00:00Z');
    const d = decide(
      facts({ mute: { known: true, value: { window: 'sunday-patching', until } } }),
      madef,
      NOW,
    );
    expect(d).toMatchObject({ kind: 'hold', reason: { code: 'muted', window: 'sunday-patching', until } });
    expect(verdict(d, 'mute')?.detail).toBe('muted by maintenance window sunday-patching until 05:00 UTC');
  });

  it('acts only on what it knows: an unreadable history holds it back', () => {
    const d = decide(facts({ history: { known: false, why: 'AccessDeniedException: no' } }), madef, NOW);
    expect(d).toMatchObject({ kind: 'hold', reason: { code: 'unknown', what: 'the execution history' } });
    expect(d.verdicts.filter((v) => v.verdict === 'unknown').map((v) => v.guardrail)).toEqual([
      'deploy',
      'running',
      'budget',
      'cooldown',
    ]);
  });

  it('rolls back at once when the rollback target was deployed within recentDeployMinutes', () => {
    const d = decide(facts({ deployedAt: { known: true, value: minutesAgo(12) } }), api, NOW);
    expect(d).toMatchObject({ kind: 'start', rung: 1, why: 'recent-deploy', step: api.steps[1] });
    expect(verdict(d, 'deploy')?.detail).toBe(
      'deployed 12 min ago (within 30 min): rolling back at once (rung 2)',
    );
  });

  it('restarts first when the last deploy is older than recentDeployMinutes', () => {
    const d = decide(facts({ deployedAt: { known: true, value: minutesAgo(31) } }), api, NOW);
    expect(d).toMatchObject({ kind: 'start', rung: 0, why: 'first-rung' });
  });

  it('climbs the ladder after a failed rung: next rung, cooldown waived, deploy time not read', () => {
    const d = decide(facts({ history: { known: true, value: [run(4)] } }), madef, NOW, { climbFrom: 0 });
    expect(d).toMatchObject({ kind: 'start', rung: 1, why: 'climb', step: madef.steps[1] });
    expect(verdict(d, 'cooldown')).toEqual({
      guardrail: 'cooldown',
      verdict: 'skip',
      detail: 'waived: climbing the ladder after rung 1 failed',
    });
  });

  it('gives up after the last rung failed', () => {
    const d = decide(facts(), madef, NOW, { climbFrom: 1 });
    expect(d).toMatchObject({ kind: 'give-up', reason: { code: 'no-rung-left', failedRung: 1 } });
  });

  it('still counts the budget when climbing', () => {
    const history = [run(4), run(60), run(120)];
    const d = decide(facts({ history: { known: true, value: history } }), madef, NOW, { climbFrom: 0 });
    expect(d).toMatchObject({ kind: 'give-up', reason: { code: 'budget', runs: 3 } });
  });

  it('skips the deploy check for a ladder without a later rollback rung', () => {
    const d = decide(facts({ deployedAt: null }), checkout, NOW);
    expect(d).toMatchObject({ kind: 'start', rung: 0 });
    expect(verdict(d, 'deploy')).toEqual({
      guardrail: 'deploy',
      verdict: 'skip',
      detail: 'no rollback rung to jump to',
    });
  });

  it('tags a restart and a rollback of the same host with one target key', () => {
    expect(madef.steps.map(targetKeyOf)).toEqual([MADEF_TARGET_KEY, MADEF_TARGET_KEY]);
  });
});
