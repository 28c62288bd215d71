import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, type VigilConfigInput } from '../../lib/config/index.ts';
import { type Synthesized, synthVigil } from '../support/synth.ts';

// Issue 12 part 3: a config full of secret references synthesizes templates and assets that hold
// the references (names, ARNs) and none of the values. The values below are what a fake store would
// answer at run time; they are nowhere in the config, and must be nowhere in what synth writes.

/** The secret store at run time: reference -> value. */
const STORE = {
  '/vigil/acme/api-token': 'tok_live_Vigil0001DoNotShip',
  'vigil/acme/api-key': '{"key":"key_live_Vigil0002DoNotShip"}',
  '/vigil/acme/maps-key': 'AIzaVigil0003DoNotShip',
  'vigil/acme/outbox-token': 'outbox_Vigil0004DoNotShip',
  '/vigil/acme/provider-key': 'prov_Vigil0005DoNotShip',
  'vigil/acme/vercel-token': 'vercel_Vigil0006DoNotShip',
} as const;
const SECRET_VALUES = [
  'tok_live_Vigil0001',
  'key_live_Vigil0002',
  'AIzaVigil0003',
  'outbox_Vigil0004',
  'prov_Vigil0005',
  'vercel_Vigil0006',
];

/** A value that is no secret, sent in a plain header: proves the search reaches the payloads. */
const PLAIN_MARKER = 'vigil-no-secrets-marker-7f3a';

const input = {
  project: 'acme',
  monitors: [
    {
      kind: 'http',
      name: 'api-health',
      url: 'https://api.example.com/health?region=eu',
      headers: {
        Authorization: { ssmParameter: '/vigil/acme/api-token', prefix: 'Bearer ' },
        'X-API-Key': { secretsManager: 'vigil/acme/api-key', jsonKey: 'key' },
        'X-Request-Source': PLAIN_MARKER,
      },
      remediate: {
        steps: [
          {
            action: 'webhook',
            url: 'https://api.vercel.com/v1/projects/acme/rollback/dpl_Good',
            method: 'POST',
            token: { secretsManager: 'vigil/acme/vercel-token' },
          },
        ],
      },
    },
    {
      kind: 'http',
      name: 'maps-api',
      fast: true,
      url: 'https://maps.example.com/v1/ping',
      query: { key: { ssmParameter: '/vigil/acme/maps-key' }, units: 'metric' },
    },
    {
      kind: 'queue',
      name: 'outbox',
      endpoint: {
        url: 'https://api.example.com/outbox',
        depthPath: 'pending',
        headers: { authorization: { secretsManager: 'vigil/acme/outbox-token', prefix: 'Bearer ' } },
      },
      maxDepth: 1000,
    },
    {
      kind: 'backup',
      name: 'provider-backup',
      endpoint: {
        url: 'https://db-provider.example.com/backups/latest',
        timestampPath: 'latest.completedAt',
        query: { api_key: { ssmParameter: '/vigil/acme/provider-key' } },
      },
    },
  ],
} satisfies VigilConfigInput;

/** Every file synth wrote (templates, manifests, the canary bundle and its vigil-monitors.json), as text. */
function assemblyFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(path.slice(dir.length + 1), readFileSync(path, 'latin1'));
    }
  };
  walk(dir);
  return files;
}

let synth: Synthesized;
let files: Map<string, string>;

beforeAll(() => {
  synth = synthVigil(parseConfig(input));
  const outdir = synth.app.synth().directory;
  files = assemblyFiles(outdir);
}, 120_000);

describe('no secret value reaches a template or an asset', () => {
  it('writes templates and the canary asset, and the search reaches the schedule payloads', () => {
    const names = [...files.keys()];
    expect(names.some((n) => n.endsWith('.template.json'))).toBe(true);
    expect(names.some((n) => n.endsWith('vigil-monitors.json'))).toBe(true);
    // A plain header value is in the payloads: the same search would find a plain secret.
    const holding = names.filter((n) => files.get(n)?.includes(PLAIN_MARKER));
    expect(holding.some((n) => n.endsWith('.template.json'))).toBe(true);
    expect(holding.some((n) => n.endsWith('vigil-monitors.json'))).toBe(true);
  });

  it('carries each secret as its reference', () => {
    const all = [...files.values()].join('\n');
    for (const ref of Object.keys(STORE)) expect(all).toContain(ref);
  });

  it('lets the canary read the query secrets it will send, as it does the header secrets', () => {
    const policies = JSON.stringify(synth.template.findResources('AWS::IAM::Policy'));
    for (const parameter of ['/vigil/acme/api-token', '/vigil/acme/maps-key', '/vigil/acme/provider-key']) {
      expect(policies).toContain(`:parameter${parameter}`);
    }
    expect(policies).toContain(':secret:vigil/acme/outbox-token');
  });

  it.each(SECRET_VALUES)('contains %s in no file', (value) => {
    const leaks = [...files].filter(([, text]) => text.includes(value)).map(([name]) => name);
    expect(leaks).toEqual([]);
  });

  it('cannot be fed a plain credential in the first place', () => {
    const plain = structuredClone(input) as { monitors: Array<Record<string, unknown>> };
    plain.monitors[0] = {
      ...plain.monitors[0],
      headers: { Authorization: `Bearer ${STORE['/vigil/acme/api-token']}` },
    };
    plain.monitors[1] = {
      ...plain.monitors[1],
      url: `https://maps.example.com/v1/ping?key=${STORE['/vigil/acme/maps-key']}`,
      query: undefined,
    };
    let error: unknown;
    try {
      parseConfig(plain);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual([
      'monitors[0].headers.Authorization',
      'monitors[1].url',
    ]);
    expect((error as Error).message).not.toContain('Vigil0001');
    expect((error as Error).message).not.toContain('Vigil0003');
  });
});
