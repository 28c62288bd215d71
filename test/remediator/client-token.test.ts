import { describe, expect, it } from 'vitest';
import { isTokenAlreadyUsed, remediationClientToken, uuidV5 } from '../../lambdas/remediator/client-token.ts';

const ARN = 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:vigil-ops-madef-api-health';

describe('client tokens', () => {
  it('derives RFC 9562 version-5 UUIDs (the standard DNS example)', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('gives a duplicate delivery of one alarm event the same token, and a new episode or rung another', () => {
    const first = remediationClientToken(ARN, '2026-03-01T03:30:00.000+0000', 0);
    expect(remediationClientToken(ARN, '2026-03-01T03:30:00.000+0000', 0)).toBe(first);
    expect(remediationClientToken(ARN, '2026-03-01T05:10:00.000+0000', 0)).not.toBe(first);
    expect(remediationClientToken(ARN, '2026-03-01T03:30:00.000+0000', 1)).not.toBe(first);
  });

  it("treats SSM's IdempotentParameterMismatch as already started, and nothing else", () => {
    const used = Object.assign(new Error('token used'), { name: 'IdempotentParameterMismatch' });
    const limit = Object.assign(new Error('too many'), { name: 'AutomationExecutionLimitExceededException' });
    expect(isTokenAlreadyUsed(used)).toBe(true);
    expect(isTokenAlreadyUsed(limit)).toBe(false);
  });
});
