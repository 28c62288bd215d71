import { describe, expect, it } from 'vitest';
import { isCredentialHeader, isCredentialQueryParam, parseConfig } from '../../lib/config/index.ts';
import { problems } from '../support/config-problems.ts';

// Issue 12 part 3: a plain-text credential never validates, so it never reaches a template.

const TOKEN = 'sk_live_51Hx9aVigilDoNotLeak';

const http = (over: Record<string, unknown> = {}) => ({
  name: 'madef-api-health',
  kind: 'http',
  url: 'https://madef.example.com/api/health',
  ...over,
});

const LEAK =
  'would land in plain text in the synthesized template and the schedule payload, where anyone who can read the stack can read it';

describe('plain-text credential headers are refused, naming the path and the fix', () => {
  it('refuses Authorization: Bearer, keeping the scheme as the prefix in the fix', () => {
    expect(
      problems({ project: 'x', monitors: [http({ headers: { Authorization: `Bearer ${TOKEN}` } })] }),
    ).toEqual([
      `monitors[0].headers.Authorization: a credential header ${LEAK}; store the value in a secret and write headers: { "Authorization": { ssmParameter: "/vigil/app/authorization", prefix: "Bearer " } } (an SSM SecureString) or headers: { "Authorization": { secretsManager: "vigil/app/authorization", prefix: "Bearer " } }, read at run time`,
    ]);
  });

  it.each([
    ['proxy-authorization', 'Basic dXNlcjpwYXNz', ', prefix: "Basic "'],
    ['Cookie', 'session=abc123def456', ''],
    ['X-API-Key', TOKEN, ''],
    ['x-auth-token', TOKEN, ''],
    ['X-Vercel-Protection-Bypass-Token', TOKEN, ''],
    ['apikey', TOKEN, ''],
    ['X-Client-Secret', TOKEN, ''],
    ['x-admin-password', 'hunter2', ''],
  ])('refuses a plain %s header', (name, value, prefix) => {
    const path = /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
    const key = name.toLowerCase();
    expect(problems({ project: 'x', monitors: [http({ headers: { [name]: value } })] })).toEqual([
      `monitors[0].headers${path}: a credential header ${LEAK}; store the value in a secret and write headers: { ${JSON.stringify(name)}: { ssmParameter: "/vigil/app/${key}"${prefix} } } (an SSM SecureString) or headers: { ${JSON.stringify(name)}: { secretsManager: "vigil/app/${key}"${prefix} } }, read at run time`,
    ]);
  });

  it('never quotes the value in the error', () => {
    const lines = problems({ project: 'x', monitors: [http({ headers: { 'x-api-key': TOKEN } })] });
    expect(lines).toHaveLength(1);
    expect(lines.join('\n')).not.toContain(TOKEN);
  });

  it('refuses them on queue and backup endpoints too', () => {
    expect(
      problems({
        project: 'x',
        monitors: [
          {
            name: 'outbox',
            kind: 'queue',
            endpoint: {
              url: 'https://madef.example.com/q',
              depthPath: 'pending',
              headers: { Authorization: TOKEN },
            },
            maxDepth: 10,
          },
          {
            name: 'provider-backup',
            kind: 'backup',
            endpoint: { url: 'https://api.example.com/b', timestampPath: 'at', headers: { Cookie: 'sid=1' } },
          },
        ],
      }).map((l) => l.slice(0, l.indexOf(':'))),
    ).toEqual(['monitors[0].endpoint.headers.Authorization', 'monitors[1].endpoint.headers.Cookie']);
  });

  it('accepts credential headers from a secret, and plain text for headers that carry none', () => {
    const config = parseConfig({
      project: 'x',
      monitors: [
        http({
          headers: {
            Authorization: { ssmParameter: '/vigil/madef/token', prefix: 'Bearer ' },
            'X-API-Key': { secretsManager: 'vigil/madef/api', jsonKey: 'key' },
            Accept: 'application/health+json',
            'X-Request-Source': 'vigil',
          },
        }),
      ],
    });
    expect(config.monitors[0]).toMatchObject({ kind: 'http' });
  });
});

describe('credential-like URL query parameters are refused, naming the path and the fix', () => {
  it.each([
    ['token', 'token'],
    ['api_key', 'api_key'],
    ['apikey', 'apikey'],
    ['key', 'key'],
    ['access_token', 'access_token'],
    ['X-Amz-Signature', 'x-amz-signature'],
    ['sig', 'sig'],
    ['client_secret', 'client_secret'],
    ['password', 'password'],
  ])('refuses ?%s= in the url', (name, key) => {
    const url = `https://api.example.com/health?region=eu&${name}=${TOKEN}`;
    const lines = problems({ project: 'x', monitors: [http({ url })] });
    expect(lines).toEqual([
      `monitors[0].url: query parameter ${JSON.stringify(name)} carries a credential that ${LEAK}; remove it from the url, store the value in a secret and write query: { ${JSON.stringify(name)}: { ssmParameter: "/vigil/app/${key}" } } (an SSM SecureString) or query: { ${JSON.stringify(name)}: { secretsManager: "vigil/app/${key}" } }, read at run time`,
    ]);
    expect(lines.join('\n')).not.toContain(TOKEN);
  });

  it('refuses a plain credential in query, and accepts it from a secret', () => {
    expect(problems({ project: 'x', monitors: [http({ query: { api_key: TOKEN } })] })).toEqual([
      `monitors[0].query.api_key: a credential query parameter ${LEAK}; store the value in a secret and write query: { "api_key": { ssmParameter: "/vigil/app/api_key" } } (an SSM SecureString) or query: { "api_key": { secretsManager: "vigil/app/api_key" } }, read at run time`,
    ]);
    const config = parseConfig({
      project: 'x',
      monitors: [http({ query: { api_key: { ssmParameter: '/vigil/madef/api-key' }, region: 'eu' } })],
    });
    expect(config.monitors[0]).toMatchObject({
      query: { api_key: { ssmParameter: '/vigil/madef/api-key' }, region: 'eu' },
    });
  });

  it('lets ordinary parameters through', () => {
    expect(() =>
      parseConfig({
        project: 'x',
        monitors: [http({ url: 'https://api.example.com/health?region=eu&verbose=1&monkey=ok&page=2' })],
      }),
    ).not.toThrow();
  });
});

describe('which names count as credentials', () => {
  it.each([
    ['Authorization', true],
    ['proxy-authorization', true],
    ['cookie', true],
    ['X-Api-Key', true],
    ['x-csrf-token', true],
    ['accept', false],
    ['user-agent', false],
    ['x-request-id', false],
    ['set-cookie-policy', false],
  ])('header %s: %s', (name, yes) => {
    expect(isCredentialHeader(name)).toBe(yes);
  });

  it.each([
    ['key', true],
    ['license_key', true],
    ['refresh_token', true],
    ['signature', true],
    ['monkey', false],
    ['keyword', false],
    ['region', false],
    ['page', false],
  ])('query parameter %s: %s', (name, yes) => {
    expect(isCredentialQueryParam(name)).toBe(yes);
  });
});
