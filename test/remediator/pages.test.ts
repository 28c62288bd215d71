import { describe, expect, it } from 'vitest';
import {
  executionLink,
  formatRemediationPage,
  oneUp,
  SMS_MAX,
  spokenDuration,
} from '../../lambdas/remediator/pages.ts';
import { ladderSummary } from '../../lib/remediation/catalog.ts';
import { api, madef, PROJECT } from './fixtures.ts';

describe('remediation pages', () => {
  it('links the execution in its Region', () => {
    expect(executionLink({ id: 'abc-123', region: 'eu-west-1' })).toBe(
      'https://eu-west-1.console.aws.amazon.com/systems-manager/automation/execution/abc-123?region=eu-west-1',
    );
  });

  it('says durations as people do', () => {
    expect([45_000, 130_000, 120_000, 3_900_000].map(spokenDuration)).toEqual([
      '45 s',
      '2 min 10 s',
      '2 min',
      '1 h 5 min',
    ]);
  });

  it('escalates one severity up, P1 staying P1', () => {
    expect((['P1', 'P2', 'P3', 'P4'] as const).map(oneUp)).toEqual(['P1', 'P1', 'P2', 'P3']);
  });

  it('holds the SMS to 140 ASCII characters', () => {
    const long = {
      ...madef,
      service: 'a-service-with-a-long-name',
      steps: [{ ...madef.steps[0], services: ['postgres', 'redis', 'app', 'worker', 'scheduler'] }],
    } as typeof madef;
    const page = formatRemediationPage({
      project: PROJECT,
      remediation: long,
      drill: true,
      kind: 'held',
      reason: { code: 'cooldown', until: new Date('2026-03-01T03:42:00Z') },
      verdicts: [],
    });
    expect(page.sms.length).toBeLessThanOrEqual(SMS_MAX);
    expect(page.sms).toMatch(
      /^DRILL P2 a-service-with-a-long-name: auto-remediation held back: cooldown until 03:42 UTC$/,
    );
  });

  it('summarises a ladder and its guardrails in one line', () => {
    expect(ladderSummary(madef)).toBe(
      'restart compose app on i-0abc1234def567890, then roll /opt/madef on i-0abc1234def567890 back to the previous release (git tag); cooldown 15 min, 3 runs a day',
    );
    expect(ladderSummary(api)).toBe(
      'restart ECS service api in prod, then roll ECS service api back to its previous task definition; cooldown 15 min, 3 runs a day; rolls back at once after a deploy in the last 30 min',
    );
  });
});
