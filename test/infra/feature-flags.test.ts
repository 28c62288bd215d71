/**
 * cdk.json sets every feature flag a new CDK app of this aws-cdk-lib version sets, so `cdk synth`
 * reports none unconfigured, with one deliberate exception; tests and benchmarks synthesize with the
 * same context (lib/cdk-context.ts), so every other infra test checks what deploys.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { cdkJsonContext } from '../../lib/cdk-context.ts';

const require = createRequire(import.meta.url);
const recommended = JSON.parse(
  readFileSync(require.resolve('aws-cdk-lib/recommended-feature-flags.json'), 'utf8'),
) as Record<string, unknown>;

/** Flags set against the recommendation, and why (README "Deploy"). */
const EXCEPTIONS: Record<string, unknown> = {
  // Merges and reorders policy statements; each Vigil statement is one reviewed grant with a Sid.
  '@aws-cdk/aws-iam:minimizePolicies': false,
};

describe('feature flags', () => {
  it('sets every recommended flag, as cdk init would, but for the documented exceptions', () => {
    const context = cdkJsonContext();
    for (const [flag, value] of Object.entries(recommended)) {
      expect([flag, context[flag]]).toEqual([flag, flag in EXCEPTIONS ? EXCEPTIONS[flag] : value]);
    }
  });
});
