/**
 * 1,000 monitors (DESIGN.md decision 9): every stack under CloudFormation's 500 resources, alarms
 * created in bounded chains, and adding a monitor moves nothing that was already deployed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_CONCURRENT_ALARMS } from '../../lib/alarm-batches.ts';
import { parseConfig, type VigilConfig, type VigilConfigInput } from '../../lib/config/index.ts';
import { MonitorStack } from '../../lib/monitor-stack.ts';
import { CLOUDFORMATION_MAX_RESOURCES, partIndex, planStacks } from '../../lib/stack-plan.ts';
import { addVigilStacks, resourceCount, type VigilStacks } from '../../lib/vigil-app.ts';
import { infraConfig } from '../support/configs.ts';

/**
 * 1,000 monitors over 9 services: `web` (520, split into parts), `api` (200, depends on `db`), `db`
 * (80 with queue monitors), six small ones (30 each, two of them single-monitor pages); a
 * maintenance window over db and api; P1-P4 mixed.
 */
function bigConfigInput(extra: readonly { name: string; service: string }[] = []): VigilConfigInput {
  const sizes: Record<string, number> = {
    web: 520,
    api: 200,
    db: 80,
    mail: 30,
    search: 30,
    cdn: 30,
    auth: 30,
  };
  const severities = ['P1', 'P2', 'P3', 'P4'] as const;
  const monitors: VigilConfigInput['monitors'] = [];
  for (const [service, size] of Object.entries(sizes)) {
    for (let i = 0; i < size; i++) {
      const name = `${service}-check-${i}`;
      monitors.push(
        service === 'db' && i % 4 === 0
          ? {
              kind: 'queue',
              name,
              service,
              sqs: { queue: `${service}-q-${i}`, deadLetterQueue: `${service}-dlq-${i}` },
              warnDepth: 100,
              maxDepth: 500,
              severity: severities[i % 4],
            }
          : {
              kind: 'http',
              name,
              service,
              url: `https://${service}.example.com/health/${i}`,
              severity: severities[i % 4],
              description: `Health of ${service} endpoint ${i}`,
              // Every 50th web endpoint restarts its own ECS service: 11 targets in one document role.
              ...(service === 'web' &&
                i % 50 === 0 && {
                  remediate: { steps: [{ action: 'ecs-restart', cluster: 'web', service: `web-${i}` }] },
                }),
            },
      );
    }
  }
  for (let i = 0; i < 80; i++) {
    monitors.push({
      kind: 'http',
      name: `misc-${i}`,
      service: `misc${i % 2}`,
      url: `https://m.example.com/${i}`,
    });
  }
  for (const m of extra)
    monitors.push({ kind: 'http', name: m.name, service: m.service, url: 'https://n.example.com/' });
  return {
    project: 'big',
    services: {
      db: {},
      // Every api monitor's alarm restarts the api host's compose services: 200 bindings, one document.
      api: {
        dependsOn: ['db'],
        remediate: {
          steps: [
            {
              action: 'compose-restart',
              instances: ['i-0123456789abcdef0'],
              directory: '/opt/api',
              services: ['api'],
            },
          ],
        },
      },
      web: { dependsOn: ['api'] },
    },
    maintenance: [
      {
        name: 'db-upgrade',
        services: ['db', 'api'],
        days: ['SUN'],
        start: '02:00',
        end: '04:00',
        timeZone: 'UTC',
      },
    ],
    paging: { P1: { email: ['oncall@example.com'] } },
    monitors,
  } as VigilConfigInput;
}

interface Built {
  readonly stacks: VigilStacks;
  readonly templates: ReadonlyMap<string, Record<string, { Type: string; DependsOn?: string[] }>>;
  readonly monitorStack: ReadonlyMap<string, string>;
}

function build(config: VigilConfig): Built {
  const app = new App();
  const stacks = addVigilStacks(app, { config });
  const templates = new Map(
    stacks.all.map((s) => [s.stackName, Template.fromStack(s).toJSON().Resources] as const),
  );
  const monitorStack = new Map<string, string>();
  for (const s of stacks.monitorStacks)
    for (const name of s.monitors.keys()) monitorStack.set(name, s.stackName);
  return { stacks, templates, monitorStack };
}

const bigConfig = parseConfig(bigConfigInput(), 'scale');
let big: Built;
let bigger: Built;
beforeAll(() => {
  big = build(bigConfig);
  // A monitor whose hash lands in an existing part of the split service, and a new small service.
  bigger = build(
    parseConfig(
      bigConfigInput([
        { name: 'web-check-new', service: 'web' },
        { name: 'newsvc-home', service: 'newsvc' },
      ]),
      'scale+1',
    ),
  );
}, 120_000);

describe('1,000 monitors', () => {
  it('split into the main stack and one stack per service, the big service in hashed parts', () => {
    expect(big.stacks.plan.mode).toBe('split');
    const names = big.stacks.all.map((s) => s.stackName);
    expect(names[0]).toBe('vigil-big');
    expect(names).toEqual(
      expect.arrayContaining([
        'vigil-big-db',
        'vigil-big-api',
        'vigil-big-web',
        'vigil-big-web-PART2',
        'vigil-big-misc0',
      ]),
    );
    expect(big.stacks.main.monitors.size).toBe(0);
    expect(big.monitorStack.size).toBe(1000);
    for (const [name, stackName] of big.monitorStack) {
      const service = bigConfig.monitors.find((m) => m.name === name)?.service;
      expect(stackName.startsWith(`vigil-big-${service}`)).toBe(true);
    }
  });

  it('keeps every stack under 500 resources', () => {
    const counts = Object.fromEntries(
      [...big.templates].map(([name, resources]) => [name, Object.keys(resources).length]),
    );
    console.info('resources per stack, 1,000 monitors:', counts);
    for (const [name, count] of Object.entries(counts)) {
      expect(count, name).toBeLessThanOrEqual(CLOUDFORMATION_MAX_RESOURCES);
    }
    for (const stack of big.stacks.all)
      expect(resourceCount(stack)).toBe(Object.keys(big.templates.get(stack.stackName) ?? {}).length);
  });

  it("keeps every dashboard within CloudWatch's 500 widgets, even the 520-monitor service", () => {
    for (const [stackName, resources] of big.templates) {
      for (const [id, r] of Object.entries(resources)) {
        if (r.Type !== 'AWS::CloudWatch::Dashboard') continue;
        const body = (r as unknown as { Properties: { DashboardBody: unknown } }).Properties.DashboardBody;
        // The body is an Fn::Join of JSON text and tokens: count widget objects in the text.
        const text = JSON.stringify(body);
        const widgets = text.match(/\\"type\\":\\"(metric|text|alarm)\\"/g)?.length ?? 0;
        expect(widgets, `${stackName}/${id}`).toBeGreaterThan(0);
        expect(widgets, `${stackName}/${id}`).toBeLessThanOrEqual(500);
      }
    }
  });

  it('puts a service composites in its part 1 and makes that stack depend on the other parts', () => {
    const web = big.stacks.monitorStacks.find((s) => s.stackName === 'vigil-big-web');
    const part2 = big.stacks.monitorStacks.find((s) => s.stackName === 'vigil-big-web-PART2');
    expect(web?.incident?.pages.size).toBe(4);
    expect(part2?.incident).toBeUndefined();
    expect(web?.dependencies).toEqual(expect.arrayContaining([part2, big.stacks.main]));
    for (const name of part2?.monitors.keys() ?? []) expect(partIndex(name, part2?.share.parts ?? 0)).toBe(1);
  });

  it('creates at most 3 alarms at a time per stack (DependsOn chains)', () => {
    expect(MAX_CONCURRENT_ALARMS).toBe(3);
    for (const [stackName, resources] of big.templates) {
      const alarms = Object.entries(resources).filter(([, r]) =>
        ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm'].includes(r.Type),
      );
      const ids = new Set(alarms.map(([id]) => id));
      // Roots: alarms waiting on no other alarm. At most K start together.
      const roots = alarms.filter(([, r]) => !(r.DependsOn ?? []).some((d) => ids.has(d)));
      expect(roots.length, stackName).toBeLessThanOrEqual(MAX_CONCURRENT_ALARMS);
    }
  });

  it('ships the whole catalog to the pager (no 128 KiB define)', () => {
    const main = big.templates.get('vigil-big') ?? {};
    const [pagerId] = Object.entries(main).find(
      ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('Pager'),
    ) ?? [''];
    const key = (main[pagerId] as unknown as { Properties: { Code: { S3Key: string } } }).Properties.Code
      .S3Key;
    const outdir = (big.stacks.main.node.root as App).outdir;
    const catalog = JSON.parse(
      readFileSync(join(outdir, `asset.${key.replace(/\.zip$/, '')}`, 'vigil-catalog.json'), 'utf8'),
    ) as { monitors: Record<string, { kind: string }> };
    expect(Object.values(catalog.monitors).filter((m) => m.kind !== 'watcher')).toHaveLength(1000);
  });

  it('adding monitors moves nothing: same stack for every monitor, every logical id kept', () => {
    for (const [name, stackName] of big.monitorStack)
      expect(bigger.monitorStack.get(name), name).toBe(stackName);
    for (const [stackName, resources] of big.templates) {
      const after = bigger.templates.get(stackName);
      expect(after, stackName).toBeDefined();
      const missing = Object.keys(resources).filter((id) => !(id in (after ?? {})));
      expect(missing, stackName).toEqual([]);
    }
    expect(bigger.monitorStack.get('newsvc-home')).toBe('vigil-big-newsvc');
  });

  it("has remediated alarms in the monitor stacks invoke the main stack's remediator, through one import each", () => {
    expect(bigConfig.remediations).toHaveLength(211);
    expect(big.stacks.main.remediation?.documents.size).toBe(2);
    let remediated = 0;
    for (const [stackName, resources] of big.templates) {
      if (stackName === 'vigil-big') continue;
      for (const r of Object.values(resources)) {
        if (r.Type !== 'AWS::CloudWatch::Alarm') continue;
        const props = (r as unknown as { Properties: { AlarmName: string; AlarmActions?: unknown[] } })
          .Properties;
        const invokes = (props.AlarmActions ?? []).some((a) =>
          JSON.stringify(a).includes('RemediationRemediatorFunction'),
        );
        const expected = bigConfig.remediations.some((x) => x.alarmName === props.AlarmName);
        expect(invokes, props.AlarmName).toBe(expected);
        if (invokes) remediated++;
      }
    }
    expect(remediated).toBe(211);
  });

  it('is cdk-nag clean in every stack', () => {
    const findings = (stack: Stack) =>
      new AwsSolutionsChecks(undefined, { verbose: true })
        .validateScope(stack)
        .violations.filter((v) => /^AwsSolutions-/.test(v.ruleName))
        .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
    for (const stack of big.stacks.all) expect(findings(stack), stack.stackName).toEqual([]);
  });
});

describe('planStacks', () => {
  it('keeps a config that fits in one stack, named as before', () => {
    const plan = planStacks(infraConfig);
    expect(plan).toMatchObject({ mode: 'single', mainStackName: 'vigil-acme', stacks: [] });
    const app = new App();
    const { all } = addVigilStacks(app, { config: infraConfig });
    expect(all.map((s) => s.stackName)).toEqual(['vigil-acme']);
    expect(all.some((s) => s instanceof MonitorStack)).toBe(false);
  });
});
