import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearSecretCache } from '../../lambdas/shared/secrets.ts';
import type { WebhookEvent } from '../../lambdas/webhook/events.ts';
import { handler } from '../../lambdas/webhook/handler.ts';
import { callWebhook, expectedStatuses } from '../../lambdas/webhook/webhook.ts';
import {
  closedPort,
  FIXTURE_TOKEN,
  type FixtureServer,
  startFixtureServer,
} from '../support/http-fixtures.ts';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:vigil/assistant/vercel-AbCdEf';
const secretsManager = mockClient(SecretsManagerClient);
const ssm = mockClient(SSMClient);

const context = {
  functionName: 'vigil-ops-webhook',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:vigil-ops-webhook',
  memoryLimitInMB: '256',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

let fx: FixtureServer;

beforeAll(async () => {
  fx = await startFixtureServer();
});
afterAll(async () => {
  await fx.close();
});
beforeEach(() => {
  secretsManager.reset();
  ssm.reset();
  clearSecretCache();
  fx.requests.length = 0;
});

function event(overrides: Partial<WebhookEvent> = {}): WebhookEvent {
  return {
    url: fx.url('/auth'),
    method: 'POST',
    body: '{"deploymentId":"dpl_123"}',
    token: JSON.stringify({ secretsManager: SECRET_ARN }),
    expectStatus: '',
    ...overrides,
  };
}

describe('webhook function (through middy, against a real 127.0.0.1 server)', () => {
  it('sends the body with Authorization: Bearer <token read from Secrets Manager> and returns ok', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: FIXTURE_TOKEN });
    const result = await handler(event(), context);
    expect(result).toEqual({
      ok: true,
      status: 200,
      detail: expect.stringMatching(
        /^POST http:\/\/127\.0\.0\.1:\d+\/auth answered 200: \{"status":"healthy"/,
      ),
    });
    expect(JSON.stringify(result).startsWith('{"ok":true,')).toBe(true);
    expect(secretsManager.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: SECRET_ARN,
    });
    const [request] = fx.requests;
    expect(request?.method).toBe('POST');
    expect(request?.headers.authorization).toBe(`Bearer ${FIXTURE_TOKEN}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toBe('{"deploymentId":"dpl_123"}');
  });

  it('returns ok:false with the status when the platform refuses the token, and never shows the token', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'wrong-token' });
    const result = await handler(event(), context);
    expect(result).toEqual({
      ok: false,
      status: 401,
      reason: 'unexpected_status',
      detail: `POST ${fx.url('/auth')} answered 401: {"error":"unauthorized"} (expected a 2xx)`,
    });
    expect(JSON.stringify(result)).not.toContain('wrong-token');
    expect(JSON.stringify(result).startsWith('{"ok":false,')).toBe(true);
  });

  it('reads an SSM SecureString with decryption, and a ref prefix replaces "Bearer "', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: FIXTURE_TOKEN } });
    const result = await handler(
      event({
        url: fx.url('/echo'),
        token: JSON.stringify({ ssmParameter: '/vigil/hook', prefix: 'Token ' }),
      }),
      context,
    );
    expect(result.ok).toBe(true);
    expect(ssm.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({
      Name: '/vigil/hook',
      WithDecryption: true,
    });
    expect(fx.requests[0]?.headers.authorization).toBe(`Token ${FIXTURE_TOKEN}`);
    // /echo echoes the headers back: the token is blanked in what the function returns.
    expect(result.detail).toContain('"authorization":"Token ***"');
    expect(result.detail).not.toContain(FIXTURE_TOKEN);
  });

  it('checks the listed statuses only', async () => {
    const result = await handler(
      event({ url: fx.url('/status/202'), token: '', expectStatus: '200,201' }),
      context,
    );
    expect(result).toMatchObject({ ok: false, status: 202, reason: 'unexpected_status' });
    expect(result.detail).toMatch(/\(expected 200,201\)$/);
    const accepted = await handler(
      event({ url: fx.url('/status/202'), token: '', expectStatus: '202' }),
      context,
    );
    expect(accepted).toMatchObject({ ok: true, status: 202 });
  });

  it('sends no Authorization and no body when neither is configured, and GET never carries a body', async () => {
    await handler(event({ url: fx.url('/echo'), method: 'GET', token: '', body: 'ignored' }), context);
    expect(fx.requests[0]?.method).toBe('GET');
    expect(fx.requests[0]?.headers.authorization).toBeUndefined();
    expect(fx.requests[0]?.body).toBe('');
  });

  it('judges a redirect as an answer instead of following it with the token', async () => {
    const result = await handler(event({ url: fx.url('/temporary'), token: '' }), context);
    expect(result).toMatchObject({ ok: false, status: 307, reason: 'unexpected_status' });
    expect(fx.requests.map((r) => r.path)).toEqual(['/temporary']);
  });

  it('returns secret_unavailable naming the secret when it cannot be read, without calling the URL', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejects(Object.assign(new Error('Access denied'), { name: 'AccessDeniedException' }));
    const result = await handler(event(), context);
    expect(result).toEqual({
      ok: false,
      status: null,
      reason: 'secret_unavailable',
      detail: `POST ${fx.url('/auth')}: could not read Secrets Manager secret ${SECRET_ARN} (AccessDeniedException: Access denied)`,
    });
    expect(fx.requests).toEqual([]);
  });

  it('refuses a Token that is not a secret reference', async () => {
    const result = await handler(event({ token: 'plain-token-in-config' }), context);
    expect(result).toMatchObject({ ok: false, status: null, reason: 'bad_token' });
    expect(JSON.stringify(result)).not.toContain('plain-token-in-config');
    expect(fx.requests).toEqual([]);
  });

  it('returns network when nothing listens', async () => {
    const port = await closedPort();
    const result = await handler(event({ url: `http://127.0.0.1:${port}/rollback`, token: '' }), context);
    expect(result).toMatchObject({ ok: false, status: null, reason: 'network' });
    expect(result.detail).toMatch(
      new RegExp(`^POST http://127\\.0\\.0\\.1:${port}/rollback: fetch failed: .*ECONNREFUSED`),
    );
  });

  it('throws on a malformed payload (a wiring bug, not an outcome)', async () => {
    await expect(handler({ url: 'not a url', method: 'POST' }, context)).rejects.toThrow();
  });
});

describe('callWebhook', () => {
  it('returns timeout when the answer takes longer than allowed', async () => {
    const result = await callWebhook(
      { url: fx.url('/slow?ms=2000'), method: 'POST', body: '', token: '', expectStatus: '' },
      { fetch, resolveSecret: async () => '', timeoutMs: 100 },
    );
    expect(result).toEqual({
      ok: false,
      status: null,
      reason: 'timeout',
      detail: `POST ${fx.origin}/slow: no answer within 0.1 s`,
    });
  });

  it('leaves the query out of what it reports', async () => {
    const result = await callWebhook(
      { url: fx.url('/healthz?key=s3cr3t'), method: 'GET', body: '', token: '', expectStatus: '' },
      { fetch, resolveSecret: async () => '' },
    );
    expect(result).toEqual({
      ok: true,
      status: 200,
      detail: `GET ${fx.origin}/healthz answered 200: {"status":"ok","service":"backend-api"}`,
    });
  });

  it('expectedStatuses: any 2xx when empty, else exactly the listed ones', () => {
    expect([199, 200, 204, 299, 300].map(expectedStatuses(''))).toEqual([false, true, true, true, false]);
    expect([200, 201, 202].map(expectedStatuses(' 200, 202 '))).toEqual([true, false, true]);
  });
});
