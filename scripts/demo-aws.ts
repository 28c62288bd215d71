/**
 * The AWS side of the demo, with no AWS account and no network: fauxqs, an in-process SQS/SNS/S3
 * emulator, on 127.0.0.1, seeded through the AWS SDK with what `examples/demo.config.ts` watches:
 *
 * - SQS `orders` (3 messages) with its dead-letter queue `orders-dlq` (2), and `emails` (1,200,
 *   over the demo's 1,000 limit);
 * - S3 bucket `acme-db-backups`: seven nightly gzip'd dumps under `madef/`, the newest 4 h old by
 *   its name, and seven under `stale/` whose newest is 30 h old.
 *
 * `vigil check` reaches it the way it reaches any emulator: the SDK's own `AWS_ENDPOINT_URL`
 * variable ({@link demoAwsEnv}), never endpoint code in the CLI or the canary. Two details make
 * that work with nothing but environment variables:
 *
 * - S3: the endpoint is an IP address, and the SDK's S3 endpoint rules use path-style URLs
 *   (`http://127.0.0.1:4566/acme-db-backups/madef/...`) for an IP endpoint by themselves. With
 *   `http://localhost:4566` they would use virtual-hosted style (`acme-db-backups.localhost`),
 *   which does not resolve everywhere. (The JS SDK has no environment variable to force path style.)
 * - SQS: when the endpoint comes from the environment rather than the client's code, the SQS client
 *   sends a queue's requests to the host of its queue URL, and warns on stderr when that differs from
 *   the endpoint. fauxqs names its queues `http://sqs.<region>.localhost:<port>/...`, a host that
 *   does not resolve everywhere either (and `sqs.<region>.127.0.0.1` is no valid URL). So this
 *   emulator answers with queue URLs on the host the client called, as real SQS does: its queue URLs
 *   are on its endpoint.
 *
 * fauxqs listens on 0.0.0.0 when started with `startFauxqs`; this builds its app with `buildApp`
 * and listens on 127.0.0.1 only, so the demo never opens a port to the network.
 */
import { devNull } from 'node:os';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';

/** The Region everything is created in; a client in another Region would not see the queues. */
export const DEMO_AWS_REGION = 'us-east-1';
/** The bucket of the demo's database dumps. */
export const DEMO_BACKUP_BUCKET = 'acme-db-backups';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Options of {@link startDemoAws}. */
export interface DemoAwsOptions {
  /** Port on 127.0.0.1; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** The clock the dumps' names are relative to, epoch ms. @default Date.now() */
  readonly now?: number;
}

/** What {@link startDemoAws} created. */
export interface DemoAwsContents {
  /** Messages per queue. */
  readonly queues: Readonly<Record<string, number>>;
  /** Object keys per prefix of {@link DEMO_BACKUP_BUCKET}, newest first. */
  readonly dumps: Readonly<Record<string, readonly string[]>>;
}

/** A running, seeded emulator. */
export interface DemoAws {
  /** Its endpoint, e.g. "http://127.0.0.1:4566": the value of `AWS_ENDPOINT_URL`. */
  readonly url: string;
  readonly contents: DemoAwsContents;
  /** Stops listening and drops every open connection. Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * The environment of a process whose AWS SDK must use the emulator at `endpoint` and nothing else:
 * `base` without any `AWS_*` variable (a developer's profile, session or endpoint overrides must
 * neither reach a real account nor bypass the emulator), plus the endpoint, the Region, dummy
 * credentials, and empty shared config files (a profile's `ignore_configured_endpoint_urls` or
 * `endpoint_url` must not apply either).
 */
export function demoAwsEnv(base: NodeJS.ProcessEnv, endpoint: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    if (!name.toUpperCase().startsWith('AWS_')) env[name] = value;
  }
  return {
    ...env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: DEMO_AWS_REGION,
    AWS_ACCESS_KEY_ID: 'demo',
    AWS_SECRET_ACCESS_KEY: 'demo',
    AWS_CONFIG_FILE: devNull,
    AWS_SHARED_CREDENTIALS_FILE: devNull,
  };
}

type Fauxqs = typeof import('fauxqs');

/**
 * Imports fauxqs. It loads `node:sqlite` (for persistence the demo does not use), which makes Node
 * print "ExperimentalWarning: SQLite is an experimental feature" on stderr: that one warning is
 * dropped while it loads, every other warning passes.
 */
async function loadFauxqs(): Promise<Fauxqs> {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (/\bSQLite\b/.test(text)) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return await import('fauxqs');
  } catch (error) {
    throw new Error(
      `could not load fauxqs, the demo's SQS/S3 emulator (it needs Node.js 22.5 or newer for node:sqlite; this is ${process.version}; \`npm run demo\` uses the node@22 dev dependency): ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    process.emitWarning = emitWarning;
  }
}

/** `madef_20261124_020000.sql.gz` for a time, in UTC. */
export function dumpName(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `madef_${iso.slice(0, 10).replaceAll('-', '')}_${iso.slice(11, 19).replaceAll(':', '')}.sql.gz`;
}

/**
 * A small pg_dump-like file, gzip'd with node:zlib: a little bigger every day, as a database grows.
 * Also the demo host's dumps (scripts/demo-ssm.ts).
 */
export function demoDump(at: number, day: number): Buffer {
  const rows = Array.from(
    { length: 200 + (6 - day) * 3 },
    (_, i) => `${i + 1}\tpaciente ${i * 7919 + day}\t${i % 2 === 0 ? 'ativo' : 'alta'}\n`,
  );
  const sql = [
    '-- PostgreSQL database dump',
    `-- Dumped by pg_dump at ${new Date(at).toISOString()}`,
    'SET statement_timeout = 0;',
    'COPY public."Paciente" (id, nome, situacao) FROM stdin;',
    `${rows.join('')}\\.`,
    '-- PostgreSQL database dump complete',
    '',
  ].join('\n');
  return gzipSync(Buffer.from(sql));
}

/** Seven nightly dump times, newest first: `ageHours` before `now`, on the whole hour. */
export function nightlyDumpTimes(now: number, ageHours: number): number[] {
  const newest = Math.floor((now - ageHours * HOUR) / HOUR) * HOUR;
  return Array.from({ length: 7 }, (_, i) => newest - i * DAY);
}

async function seed(endpoint: string, now: number): Promise<DemoAwsContents> {
  const config = {
    endpoint,
    region: DEMO_AWS_REGION,
    credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' },
    maxAttempts: 1,
  };
  const sqs = new SQSClient(config);
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  try {
    const queue = async (name: string, attributes?: Record<string, string>) =>
      (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl ?? '';
    /** Sends `count` messages in SendMessageBatch calls of 10, the SQS maximum, concurrently. */
    const send = async (url: string, count: number, body: (i: number) => unknown) => {
      const batches: Promise<unknown>[] = [];
      for (let i = 0; i < count; i += 10) {
        const entries = Array.from({ length: Math.min(10, count - i) }, (_, j) => ({
          Id: `m${i + j}`,
          MessageBody: JSON.stringify(body(i + j)),
        }));
        batches.push(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries })));
      }
      await Promise.all(batches);
    };

    const dlq = await queue('orders-dlq');
    const dlqArn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }))
    ).Attributes?.QueueArn;
    const orders = await queue('orders', {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 }),
    });
    const emails = await queue('emails');
    if (!orders.startsWith(`${endpoint}/`)) {
      throw new Error(`fauxqs answered with queue URL ${orders}, not one on its endpoint ${endpoint}`);
    }
    await Promise.all([
      send(orders, 3, (i) => ({ orderId: `ord-${1041 + i}`, total: 129.9 + i })),
      send(dlq, 2, (i) => ({ orderId: `ord-${1017 + i}`, error: 'payment provider timed out' })),
      send(emails, 1200, (i) => ({ to: `patient${i}@example.com`, template: 'appointment-reminder' })),
    ]);

    await s3.send(new CreateBucketCommand({ Bucket: DEMO_BACKUP_BUCKET }));
    const dumps: Record<string, string[]> = {};
    const uploads: Promise<unknown>[] = [];
    for (const [prefix, ageHours] of [
      ['madef/', 4],
      ['stale/', 30],
    ] as const) {
      dumps[prefix] = nightlyDumpTimes(now, ageHours).map((at, day) => {
        const key = `${prefix}${dumpName(at)}`;
        uploads.push(
          s3.send(new PutObjectCommand({ Bucket: DEMO_BACKUP_BUCKET, Key: key, Body: demoDump(at, day) })),
        );
        return key;
      });
    }
    await Promise.all(uploads);
    return { queues: { orders: 3, 'orders-dlq': 2, emails: 1200 }, dumps };
  } finally {
    sqs.destroy();
    s3.destroy();
  }
}

/** Starts fauxqs on 127.0.0.1 and seeds it. Resolves once it is listening and seeded. */
export async function startDemoAws(options: DemoAwsOptions = {}): Promise<DemoAws> {
  const { buildApp } = await loadFauxqs();
  const app = buildApp({ logger: false, defaultRegion: DEMO_AWS_REGION });
  // Queue URLs on the host the client called (see the module comment): GetQueueUrl and CreateQueue
  // answer "http://127.0.0.1:<port>/000000000000/orders" to a client of http://127.0.0.1:<port>.
  // fauxqs finds a queue by the name at the end of any URL.
  app.addHook('preSerialization', async (request, _reply, payload) => {
    const target = request.headers['x-amz-target'];
    const host = request.headers.host;
    if (typeof target !== 'string' || !target.startsWith('AmazonSQS.') || !host) return payload;
    const onHost = (url: unknown) =>
      typeof url === 'string' ? `http://${host}${new URL(url).pathname}` : url;
    const body = payload as { QueueUrl?: unknown; QueueUrls?: unknown };
    if (body.QueueUrl !== undefined) return { ...body, QueueUrl: onHost(body.QueueUrl) };
    if (Array.isArray(body.QueueUrls)) return { ...body, QueueUrls: body.QueueUrls.map(onHost) };
    return payload;
  });
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : Number.NaN;
  const url = `http://127.0.0.1:${port}`;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= app.close().then(() => undefined);
    return closing;
  };
  try {
    const contents = await seed(url, options.now ?? Date.now());
    return { url, contents, close };
  } catch (error) {
    await close();
    throw error;
  }
}
