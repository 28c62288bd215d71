import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  clearSecretCache,
  resolveSecret,
  SECRET_CACHE_TTL_MS,
  SecretUnavailableError,
} from '../../lambdas/shared/secrets.ts';

const ssm = mockClient(SSMClient);
const secretsManager = mockClient(SecretsManagerClient);

beforeEach(() => {
  ssm.reset();
  secretsManager.reset();
  clearSecretCache();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('resolveSecret from SSM Parameter Store', () => {
  it('sends GetParameter with decryption and returns the value without the prefix', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'token-1' } });
    await expect(
      resolveSecret({ ssmParameter: '/vigil/madef/health-token', prefix: 'Bearer ' }),
    ).resolves.toBe('token-1');
    expect(ssm.calls()).toHaveLength(1);
    expect(ssm.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({
      Name: '/vigil/madef/health-token',
      WithDecryption: true,
    });
  });

  it('reads once within five minutes, and again after', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.UTC(2025, 0, 13, 10, 0));
    ssm
      .on(GetParameterCommand)
      .resolvesOnce({ Parameter: { Value: 'old' } })
      .resolves({ Parameter: { Value: 'new' } });
    const ref = { ssmParameter: '/vigil/madef/health-token' };
    expect(await resolveSecret(ref)).toBe('old');
    vi.setSystemTime(Date.now() + SECRET_CACHE_TTL_MS - 1);
    expect(await resolveSecret(ref)).toBe('old');
    expect(ssm.calls()).toHaveLength(1);
    vi.setSystemTime(Date.now() + 2);
    expect(await resolveSecret(ref)).toBe('new');
    expect(ssm.calls()).toHaveLength(2);
  });

  it('shares one request among concurrent reads of the same parameter', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'token' } });
    const ref = { ssmParameter: '/vigil/shared' };
    const values = await Promise.all([resolveSecret(ref), resolveSecret(ref), resolveSecret(ref)]);
    expect(values).toEqual(['token', 'token', 'token']);
    expect(ssm.calls()).toHaveLength(1);
  });

  it('rejects with SecretUnavailableError naming the parameter, and does not cache the failure', async () => {
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(new ParameterNotFound({ message: 'Parameter not found', $metadata: {} }))
      .resolves({ Parameter: { Value: 'back' } });
    const ref = { ssmParameter: '/vigil/missing' };
    const error = await resolveSecret(ref).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretUnavailableError);
    expect(error).toMatchObject({
      name: 'SecretUnavailableError',
      message: 'could not read SSM parameter /vigil/missing (ParameterNotFound: Parameter not found)',
    });
    expect((error as Error).cause).toBeInstanceOf(ParameterNotFound);
    await expect(resolveSecret(ref)).resolves.toBe('back');
    expect(ssm.calls()).toHaveLength(2);
  });

  it('rejects a parameter without a value', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: {} });
    await expect(resolveSecret({ ssmParameter: '/vigil/empty' })).rejects.toThrow(
      'SSM parameter /vigil/empty has no value',
    );
  });
});

describe('resolveSecret from Secrets Manager', () => {
  it('sends GetSecretValue with the SecretId and returns the SecretString', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'plain-token' });
    await expect(resolveSecret({ secretsManager: 'vigil/madef/health-token' })).resolves.toBe('plain-token');
    expect(secretsManager.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: 'vigil/madef/health-token',
    });
    expect(ssm.calls()).toHaveLength(0);
  });

  it('picks jsonKey from a JSON secret, reading the secret once for several keys', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: '{"token":"abc","port":5432}' });
    await expect(resolveSecret({ secretsManager: 'vigil/app', jsonKey: 'token' })).resolves.toBe('abc');
    await expect(resolveSecret({ secretsManager: 'vigil/app', jsonKey: 'port' })).resolves.toBe('5432');
    expect(secretsManager.calls()).toHaveLength(1);
  });

  it('names a missing field, without quoting the secret', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: '{"password":"hunter2"}' });
    const error = await resolveSecret({ secretsManager: 'vigil/app', jsonKey: 'token' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SecretUnavailableError);
    expect((error as Error).message).toBe('Secrets Manager secret vigil/app has no field "token"');
  });

  it('refuses a jsonKey on a secret that is not JSON, without quoting it', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'hunter2-not-json' });
    const error = await resolveSecret({ secretsManager: 'vigil/app', jsonKey: 'token' }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toBe(
      'Secrets Manager secret vigil/app is not a JSON object, so field "token" cannot be read',
    );
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('rejects a binary-only secret', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2]) });
    await expect(resolveSecret({ secretsManager: 'vigil/bin' })).rejects.toThrow(
      'Secrets Manager secret vigil/bin has no SecretString (binary secrets are not supported)',
    );
  });

  it('does not cache a failed read', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves({ SecretString: 'ok' });
    await expect(resolveSecret({ secretsManager: 'vigil/app' })).rejects.toThrow(
      'could not read Secrets Manager secret vigil/app (ThrottlingException: Rate exceeded)',
    );
    await expect(resolveSecret({ secretsManager: 'vigil/app' })).resolves.toBe('ok');
    expect(secretsManager.calls()).toHaveLength(2);
  });
});
