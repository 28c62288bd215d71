/**
 * The CDK app: load and validate the config, build the stack, tag it, turn on cdk-nag. Nothing else.
 *
 * The config file is `--context config=FILE`, else $VIGIL_CONFIG, else vigil.config.ts. The stack
 * has no account or region, so `cdk synth` works without AWS credentials; `cdk deploy` takes them
 * from the environment.
 */
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError, DEFAULT_CONFIG_FILE, loadConfig } from '../lib/config/index.ts';
import { stackNameFor, VigilStack } from '../lib/vigil-stack.ts';

const app = new App();
const configFile: string =
  app.node.tryGetContext('config') ?? process.env.VIGIL_CONFIG ?? DEFAULT_CONFIG_FILE;

try {
  const config = await loadConfig(configFile);
  new VigilStack(app, stackNameFor(config.project), {
    config,
    configSource: configFile,
    description: `Vigil synthetic monitoring for ${config.project} (${config.monitors.length} monitors)`,
  });
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
