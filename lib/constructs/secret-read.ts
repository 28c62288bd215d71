import { ArnFormat, Aws, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { SecretRef } from '../config/index.ts';

/** Statement ids and the words of the KMS acknowledgement of one {@link grantSecretRead}. */
export interface SecretReadNames {
  /** Sid of the `ssm:GetParameter` statement. */
  readonly parameters: string;
  /** Sid of the `secretsmanager:GetSecretValue` statement. */
  readonly secrets: string;
  /** Sid of the `kms:Decrypt` statement. */
  readonly decrypt: string;
  /** What the secrets are, in the acknowledgement's reason ("the named tokens"). */
  readonly what: string;
}

/**
 * Lets `role` read exactly these secrets at run time (header secrets for the canary, webhook tokens):
 * `ssm:GetParameter` on each named parameter, `secretsmanager:GetSecretValue` on each named secret
 * (a name matches its ARN's random 6-character suffix; an ARN is used as given), and `kms:Decrypt`
 * through those two services only, for SecureStrings and secrets encrypted with a customer-managed
 * key. Nothing is granted for an empty list.
 */
export function grantSecretRead(role: iam.Role, refs: readonly SecretRef[], names: SecretReadNames): void {
  const stack = Stack.of(role);
  const parameters = unique(refs.flatMap((r) => ('ssmParameter' in r ? [r.ssmParameter] : [])));
  const secrets = unique(refs.flatMap((r) => ('secretsManager' in r ? [r.secretsManager] : [])));
  if (parameters.length > 0) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: names.parameters,
        actions: ['ssm:GetParameter'],
        resources: parameters.map((name) =>
          stack.formatArn({
            service: 'ssm',
            resource: 'parameter',
            // Parameter names start with "/", which the ARN's "parameter/" already supplies.
            resourceName: name.replace(/^\//, ''),
            arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
          }),
        ),
      }),
    );
  }
  if (secrets.length > 0) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: names.secrets,
        actions: ['secretsmanager:GetSecretValue'],
        resources: secrets.map((nameOrArn) =>
          nameOrArn.startsWith('arn:')
            ? nameOrArn
            : stack.formatArn({
                service: 'secretsmanager',
                resource: 'secret',
                resourceName: `${nameOrArn}-??????`,
                arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              }),
        ),
      }),
    );
  }
  if (parameters.length === 0 && secrets.length === 0) return;
  const via = [
    ...(parameters.length > 0 ? [`ssm.${Aws.REGION}.amazonaws.com`] : []),
    ...(secrets.length > 0 ? [`secretsmanager.${Aws.REGION}.amazonaws.com`] : []),
  ];
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: names.decrypt,
      actions: ['kms:Decrypt'],
      resources: [stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' })],
      conditions: { StringEquals: { 'kms:ViaService': via.length === 1 ? via[0] : via } },
    }),
  );
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/*]',
    reason: `The keys encrypting ${names.what} are chosen by whoever created them, so the key is a wildcard; kms:Decrypt is limited to calls made through SSM / Secrets Manager (kms:ViaService), which themselves only serve the named parameters and secrets.`,
  });
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}
