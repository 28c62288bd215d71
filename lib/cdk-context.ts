import { readFileSync } from 'node:fs';

/**
 * The context `cdk synth` gives the app from cdk.json (the feature flags a new CDK app sets), for
 * the apps that are not run by the CDK CLI (tests, benchmarks), so they synthesize what deploys.
 */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}
