/**
 * Synthesizes a {@link VigilStack} the way `bin/app.ts` does (no account or region, real esbuild
 * bundling of the canary), for `aws-cdk-lib/assertions`.
 */
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { cdkJsonContext } from '../../lib/cdk-context.ts';
import type { VigilConfig } from '../../lib/config/index.ts';
import { stackNameFor, VigilStack } from '../../lib/vigil-stack.ts';

export interface Synthesized {
  readonly app: App;
  readonly stack: VigilStack;
  readonly template: Template;
}

/** Builds and synthesizes the stack for `config`. */
export function synthVigil(config: VigilConfig): Synthesized {
  const app = new App({ context: cdkJsonContext() });
  const stack = new VigilStack(app, stackNameFor(config.project), { config });
  return { app, stack, template: Template.fromStack(stack) };
}

/** The logical id of an L2 construct's CloudFormation resource, for `{ Ref }` / `{ Fn::GetAtt }` matching. */
export function logicalId(construct: IConstruct): string {
  const resource = construct.node.defaultChild;
  if (!(resource instanceof CfnElement))
    throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(construct).getLogicalId(resource);
}

/**
 * The template as JSON with what changes on every build replaced: asset hashes (in S3 keys and
 * anywhere else a 64-hex digest appears). What remains is what the stack means.
 */
export function redactedTemplate(template: Template): unknown {
  return JSON.parse(JSON.stringify(template.toJSON()).replace(/[0-9a-f]{64}/g, '<asset-hash>'));
}

/** The properties of the one resource of `type` whose `nameProperty` is `name`; fails on none or several. */
export function propertiesNamed(
  template: Template,
  type: string,
  nameProperty: string,
  name: string,
): Record<string, unknown> {
  const found = Object.values(template.findResources(type, { Properties: { [nameProperty]: name } }));
  if (found.length !== 1) throw new Error(`${found.length} ${type} named ${name}, expected 1`);
  return (found[0] as { Properties: Record<string, unknown> }).Properties;
}

/** The monitor names an `AWS::Scheduler::Schedule`'s payload carries: `{ monitor }` or `{ monitors }`. */
export function monitorsInSchedule(properties: Record<string, unknown>): string[] {
  const input = JSON.parse((properties.Target as { Input: string }).Input) as {
    monitor?: { name: string };
    monitors?: { name: string }[];
  };
  return input.monitor ? [input.monitor.name] : (input.monitors ?? []).map((m) => m.name);
}

/** The properties of the one schedule whose invocations check `monitorName`; fails on none or several. */
export function scheduleOf(template: Template, monitorName: string): Record<string, unknown> {
  const found = Object.values(template.findResources('AWS::Scheduler::Schedule'))
    .map((r) => (r as { Properties: Record<string, unknown> }).Properties)
    .filter((p) => monitorsInSchedule(p).includes(monitorName));
  if (found.length !== 1) throw new Error(`${found.length} schedules check ${monitorName}, expected 1`);
  return found[0] as Record<string, unknown>;
}

/** The names of every resource of `type`, by logical id. */
export function namesById(template: Template, type: string, nameProperty: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(template.findResources(type)).map(([id, r]) => [
      id,
      (r as { Properties: Record<string, string> }).Properties[nameProperty] as string,
    ]),
  );
}

/**
 * Renders CloudFormation intrinsic trees as readable strings for assertions: `Fn::Join` joined,
 * `Ref` as `<AWS::Region>` or `<LogicalId>`, `Fn::GetAtt` as `<LogicalId.Attr>` (as cdk-nag names them).
 */
export function flatten(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(flatten);
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('Fn::Join' in v) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map((p) => (typeof p === 'string' ? p : String(flatten(p)))).join(sep);
    }
    if ('Ref' in v) return `<${v.Ref}>`;
    if ('Fn::GetAtt' in v) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, flatten(x)]));
  }
  return value;
}
