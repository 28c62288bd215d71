/**
 * Reads header secrets at run time (DESIGN decision 6): an SSM Parameter Store SecureString or a
 * Secrets Manager secret, optionally one field of a JSON secret. Never written into a template or an
 * environment variable, never logged, never put in an error message.
 *
 * One client per service for the life of the process, created on first use: most monitors carry no
 * secret, and loading the SDK clients only when one does keeps the canary's cold start short. The
 * endpoint comes from the SDK's own `AWS_ENDPOINT_URL*` variables, so no endpoint is configured here.
 *
 * Values are cached for {@link SECRET_CACHE_TTL_MS} because Lambda reuses the process between
 * invocations and a canary running every minute must not read SSM every minute per monitor.
 * Concurrent reads of the same secret share one request; a failed read is not cached.
 */
import type { SecretRef } from '../../lib/config/schema.ts';
import { aws } from './aws.ts';

/** How long a secret value is reused before it is read again. */
export const SECRET_CACHE_TTL_MS = 5 * 60 * 1000;

/** A secret could not be read. The message names the parameter or secret, never its value. */
export class SecretUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SecretUnavailableError';
  }
}

const { ssm, secretsManager } = aws;

interface CacheEntry {
  /** The raw value: a parameter's value, or a secret's whole SecretString (jsonKey is applied on read). */
  readonly value: Promise<string>;
  readonly expiresAt: number;
}

// Keyed by service and name, so two refs to different fields of one JSON secret share one read.
const cache = new Map<string, CacheEntry>();

/** Forgets every cached value. For tests, and for a caller that knows a secret was rotated. */
export function clearSecretCache(): void {
  cache.clear();
}

function cached(key: string, now: number, read: () => Promise<string>): Promise<string> {
  const hit = cache.get(key);
  if (hit && hit.expiresAt > now) return hit.value;
  const value = read();
  const entry: CacheEntry = { value, expiresAt: now + SECRET_CACHE_TTL_MS };
  cache.set(key, entry);
  // A failure is not cached: the next check tries again. Only drop our own entry, not a newer one.
  value.catch(() => {
    if (cache.get(key) === entry) cache.delete(key);
  });
  return value;
}

function awsReason(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

async function readParameter(name: string): Promise<string> {
  let value: string | undefined;
  try {
    const { sdk, client } = await ssm();
    const out = await client.send(new sdk.GetParameterCommand({ Name: name, WithDecryption: true }));
    value = out.Parameter?.Value;
  } catch (err) {
    throw new SecretUnavailableError(`could not read SSM parameter ${name} (${awsReason(err)})`, {
      cause: err,
    });
  }
  if (value === undefined) throw new SecretUnavailableError(`SSM parameter ${name} has no value`);
  return value;
}

async function readSecret(secretId: string): Promise<string> {
  let value: string | undefined;
  try {
    const { sdk, client } = await secretsManager();
    const out = await client.send(new sdk.GetSecretValueCommand({ SecretId: secretId }));
    value = out.SecretString;
  } catch (err) {
    throw new SecretUnavailableError(
      `could not read Secrets Manager secret ${secretId} (${awsReason(err)})`,
      { cause: err },
    );
  }
  if (value === undefined) {
    throw new SecretUnavailableError(
      `Secrets Manager secret ${secretId} has no SecretString (binary secrets are not supported)`,
    );
  }
  return value;
}

function pickJsonField(secretId: string, raw: string, key: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // Not JSON.parse's message: it quotes the start of the text, which is the secret.
    throw new SecretUnavailableError(
      `Secrets Manager secret ${secretId} is not a JSON object, so field ${JSON.stringify(key)} cannot be read`,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || !Object.hasOwn(parsed, key)) {
    throw new SecretUnavailableError(
      `Secrets Manager secret ${secretId} has no field ${JSON.stringify(key)}`,
    );
  }
  const field = (parsed as Record<string, unknown>)[key];
  if (typeof field === 'string') return field;
  if (typeof field === 'number' || typeof field === 'boolean') return String(field);
  throw new SecretUnavailableError(
    `Secrets Manager secret ${secretId} field ${JSON.stringify(key)} is not a string`,
  );
}

/**
 * The value a {@link SecretRef} points at, without its `prefix` (the caller adds that).
 * Rejects with {@link SecretUnavailableError} when it cannot be read.
 */
export async function resolveSecret(ref: SecretRef): Promise<string> {
  const now = Date.now();
  if ('ssmParameter' in ref) {
    const name = ref.ssmParameter;
    return cached(`ssm:${name}`, now, () => readParameter(name));
  }
  const id = ref.secretsManager;
  const raw = await cached(`secretsmanager:${id}`, now, () => readSecret(id));
  return ref.jsonKey === undefined ? raw : pickJsonField(id, raw, ref.jsonKey);
}
