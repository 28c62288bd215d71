/**
 * The pager's email names the configured ladder: "Remediation: restart ..., then roll back ...;
 * cooldown 15 min, 3 runs a day", from the config through the real pager catalog and formatter.
 */
import { describe, expect, it } from 'vitest';
import { formatPage } from '../../lambdas/pager/format.ts';
import { parseConfig } from '../../lib/config/index.ts';
import { buildPagerCatalog } from '../../lib/paging/catalog.ts';

const HOST = 'i-0abc1234def567890';

const config = parseConfig({
  project: 'ops',
  monitors: [
    {
      name: 'madef-api-health',
      service: 'madef',
      kind: 'http',
      url: 'https://madef.example.com/api/health',
      severity: 'P2',
      remediate: {
        steps: [
          { action: 'compose-restart', instances: [HOST], directory: '/opt/madef', services: ['app'] },
          {
            action: 'compose-rollback',
            instances: [HOST],
            directory: '/opt/madef',
            services: ['app'],
            release: { git: 'tag' },
          },
        ],
      },
    },
    { name: 'madef-web', service: 'madef', kind: 'http', url: 'https://madef.example.com/', severity: 'P2' },
  ],
});

function emailOf(monitor: string): string {
  const catalog = buildPagerCatalog(config);
  const since = new Date('2026-03-01T03:30:00Z');
  return formatPage(
    {
      state: 'ALARM',
      alarm: { name: `vigil-ops-${monitor}`, state: 'ALARM', reason: 'Threshold Crossed', since },
      failing: [{ monitor, alarms: [] }],
    },
    { catalog, now: since },
  ).email;
}

describe("the pager's remediation line", () => {
  it('names the ladder and its guardrails of a remediated monitor', () => {
    expect(emailOf('madef-api-health')).toContain(
      `\nRemediation: restart compose app on ${HOST}, then roll /opt/madef on ${HOST} back to the previous release (git tag); cooldown 15 min, 3 runs a day\n`,
    );
  });

  it('still says none configured for a monitor without one', () => {
    expect(emailOf('madef-web')).toContain('\nRemediation: none configured\n');
  });
});
