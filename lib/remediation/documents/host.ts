/**
 * The documents that act on a host over Run Command: compose restart and rollback, plain container
 * restart and rollback. Each runs its script (lib/remediation/scripts/) with AWS-RunShellScript on
 * `InstanceIds`, one host at a time, then verifies. The script exits non-zero at the first failure
 * and its output says which service failed and why; the runCommand step then fails the execution
 * before any verify step runs.
 *
 *   <RestartServices | RollBackRelease | RestartContainer | RollBackContainer> → Verify…
 *
 * Parameters reach the shell as `VAR='{{ Param }}'` lines at the top of the script; every such
 * parameter has an allowedPattern without quotes, `$`, backticks or other shell characters.
 */
import type { AutomationDocument, AutomationParameter } from '../../ssm/automation.ts';
import { hostScriptCommands } from '../scripts/index.ts';
import {
  INSTANCE_IDS_PARAMETER,
  PATTERNS,
  type RemediationDocumentOptions,
  remediationDocumentOf,
  runShellStep,
} from './common.ts';

/** Seconds a service or container may take to be healthy when the binding does not say. */
export const DEFAULT_HEALTHY_TIMEOUT_SECONDS = 120;

const HEALTHY_TIMEOUT: AutomationParameter = {
  type: 'String',
  description:
    'Seconds each service (or the container) may take to be healthy, or running without a healthcheck.',
  allowedPattern: PATTERNS.seconds,
  default: String(DEFAULT_HEALTHY_TIMEOUT_SECONDS),
};

const COMPOSE_PARAMETERS: Record<string, AutomationParameter> = {
  InstanceIds: INSTANCE_IDS_PARAMETER,
  Directory: {
    type: 'String',
    description: 'The compose project directory, e.g. /opt/madef.',
    allowedPattern: PATTERNS.directory,
  },
  Services: {
    type: 'String',
    description: 'Services, space-separated, in order (dependencies first: "postgres app").',
    allowedPattern: PATTERNS.services,
  },
  Compose: {
    type: 'String',
    description: 'v2: `docker compose`; v1: `docker-compose`.',
    allowedValues: ['v2', 'v1'],
    default: 'v2',
  },
  HealthyTimeoutSeconds: HEALTHY_TIMEOUT,
};

const COMPOSE_VARIABLES = {
  DIRECTORY: 'Directory',
  SERVICES: 'Services',
  COMPOSE: 'Compose',
  HEALTHY_TIMEOUT_SECONDS: 'HealthyTimeoutSeconds',
};

const CONTAINER_PARAMETER: AutomationParameter = {
  type: 'String',
  description: 'The container name, e.g. nutri-backend.',
  allowedPattern: PATTERNS.containerName,
};

const RELEASE_LOG_DESCRIPTION =
  'The release log on the host: one image tag a line, newest last, appended by the deploy.';

/** compose-restart: the services restarted in order, each healthy before the next. */
export function composeRestartDocument(opts: RemediationDocumentOptions): AutomationDocument {
  return remediationDocumentOf(opts, {
    description:
      'Vigil: restart docker compose services on a host, in order, each healthy before the next, then verify health came back.',
    parameters: COMPOSE_PARAMETERS,
    actionSteps: [
      runShellStep(
        'RestartServices',
        'docker compose restart each service, waiting until it is healthy (lib/remediation/scripts/compose-restart.sh).',
        hostScriptCommands('compose-restart', COMPOSE_VARIABLES),
      ),
    ],
  });
}

/** compose-rollback: the previous git tag or commit, or the previous image tag, then the services up in order. */
export function composeRollbackDocument(opts: RemediationDocumentOptions): AutomationDocument {
  return remediationDocumentOf(opts, {
    description:
      'Vigil: roll a docker compose host back to its previous release (git tag or commit, or image tag), bring the services up in order, then verify health came back.',
    parameters: {
      ...COMPOSE_PARAMETERS,
      ReleaseKind: {
        type: 'String',
        description:
          'git: the previous release is in the git checkout; image-tag: the previous line of ReleaseLog.',
        allowedValues: ['git', 'image-tag'],
      },
      GitRef: {
        type: 'String',
        description: 'git: tag (the previous tag) or commit (HEAD~1).',
        allowedValues: ['tag', 'commit'],
        default: 'tag',
      },
      ReleaseLog: {
        type: 'String',
        description: `image-tag: ${RELEASE_LOG_DESCRIPTION}`,
        allowedPattern: PATTERNS.optionalFile,
        default: '',
      },
      EnvFile: {
        type: 'String',
        description: 'image-tag: the env file compose reads, relative to Directory.',
        allowedPattern: '^[A-Za-z0-9_.@+-][A-Za-z0-9_./@+-]{0,254}$',
        default: '.env',
      },
      Variable: {
        type: 'String',
        description: 'image-tag: the variable of EnvFile holding the image tag.',
        allowedPattern: '^[A-Za-z_][A-Za-z0-9_]{0,127}$',
        default: 'IMAGE_TAG',
      },
    },
    actionSteps: [
      runShellStep(
        'RollBackRelease',
        'Check out or write the previous release, then docker compose up each service, waiting until it is healthy (lib/remediation/scripts/compose-rollback.sh).',
        hostScriptCommands('compose-rollback', {
          ...COMPOSE_VARIABLES,
          RELEASE_KIND: 'ReleaseKind',
          GIT_REF: 'GitRef',
          RELEASE_LOG: 'ReleaseLog',
          ENV_FILE: 'EnvFile',
          VARIABLE: 'Variable',
        }),
      ),
    ],
  });
}

/** container-restart: `docker restart <name>`, wait until healthy. */
export function containerRestartDocument(opts: RemediationDocumentOptions): AutomationDocument {
  return remediationDocumentOf(opts, {
    description:
      'Vigil: restart a docker container by name, wait until it is healthy, then verify health came back.',
    parameters: {
      InstanceIds: INSTANCE_IDS_PARAMETER,
      Container: CONTAINER_PARAMETER,
      HealthyTimeoutSeconds: HEALTHY_TIMEOUT,
    },
    actionSteps: [
      runShellStep(
        'RestartContainer',
        'docker restart the container, waiting until it is healthy (lib/remediation/scripts/container-restart.sh).',
        hostScriptCommands('container-restart', {
          CONTAINER: 'Container',
          HEALTHY_TIMEOUT_SECONDS: 'HealthyTimeoutSeconds',
        }),
      ),
    ],
  });
}

/** container-rollback: the previous image tag from the release log, `docker rm -f`, `docker run`. */
export function containerRollbackDocument(opts: RemediationDocumentOptions): AutomationDocument {
  return remediationDocumentOf(opts, {
    description:
      'Vigil: re-run a docker container on its previous image tag, wait until it is healthy, then verify health came back.',
    parameters: {
      InstanceIds: INSTANCE_IDS_PARAMETER,
      Container: CONTAINER_PARAMETER,
      Image: {
        type: 'String',
        description: 'The image repository without a tag, e.g. ghcr.io/acme/nutri-backend.',
        allowedPattern: '^[A-Za-z0-9][A-Za-z0-9._/:-]{0,254}$',
      },
      RunArgs: {
        type: 'String',
        description:
          '`docker run` arguments other than the image, e.g. "-d --name nutri-backend -p 8000:8000".',
        allowedPattern: '^[A-Za-z0-9_.,:=/@+ -]{1,1024}$',
      },
      ReleaseLog: {
        type: 'String',
        description: RELEASE_LOG_DESCRIPTION,
        allowedPattern: PATTERNS.optionalFile,
      },
      HealthyTimeoutSeconds: HEALTHY_TIMEOUT,
    },
    actionSteps: [
      runShellStep(
        'RollBackContainer',
        'Pull the previous tag, replace the container with it, wait until it is healthy (lib/remediation/scripts/container-rollback.sh).',
        hostScriptCommands('container-rollback', {
          CONTAINER: 'Container',
          IMAGE: 'Image',
          RUN_ARGS: 'RunArgs',
          RELEASE_LOG: 'ReleaseLog',
          HEALTHY_TIMEOUT_SECONDS: 'HealthyTimeoutSeconds',
        }),
      ),
    ],
  });
}
