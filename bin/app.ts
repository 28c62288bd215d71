/**
 * The CDK app: load and validate the config, build the stacks, tag them, turn on cdk-nag. Nothing
 * else. A config that fits one stack is `vigil-<project>`; a bigger one adds a stack per service
 * (lib/stack-plan.ts, docs/adr/0005-splitting-stacks.md): `cdk deploy --all`.
 *
 * The config file is `--context config=FILE`, else $VIGIL_CONFIG, else vigil.config.ts. The stack
 * has no account or region, so `cdk synth` works without AWS credentials; `cdk deploy` takes them
 * from the environment.
 */
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, DEFAULT_CONFIG_FILE, loadConfig } from '../lib/config/index.ts';
import { costSummaryLine, estimateCost } from '../lib/cost/estimate.ts';
import { addVigilStacks, assertWithinResourceLimit } from '../lib/vigil-app.ts';

const app = new App();
const configFile: string =
  app.node.tryGetContext('config') ?? process.env.VIGIL_CONFIG ?? DEFAULT_CONFIG_FILE;

try {
  const config = await loadConfig(configFile);
  const { all } = addVigilStacks(app, {
    config,
    configSource: configFile,
    description: `Vigil synthetic monitoring for ${config.project} (${config.monitors.length} monitors)`,
  });
  assertWithinResourceLimit(all);
  // One line, on stderr so `cdk synth` output stays a template.
  console.error(costSummaryLine(estimateCost(config)));
  Tags.of(app).add('vigil:project', config.project);
  Tags.of(app).add('vigil:managed-by', 'vigil');
  // cdk-nag 3 runs as a policy-validation plugin: any unacknowledged finding fails the synth.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  // The message names every problem's path and fix; a stack trace would only bury it.
  console.error(error.message);
  process.exit(1);
}
