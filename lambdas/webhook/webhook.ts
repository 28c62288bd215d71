/**
 * Calls a platform's HTTP API for a remediation outside AWS (the runbooks' `vercel rollback`):
 * URL, method and body from the config, the token read at run time from Secrets Manager or a
 * SecureString parameter, the answer checked against the expected statuses. Nothing
 * vendor-specific: the config says what to call.
 *
 * Never throws on a bad answer: every outcome becomes a {@link WebhookResult}, which the document
 * branches on (`ok` first, so the document can test the payload's start). The token is never
 * logged, returned or put into a message.
 */
import { type SecretRef, secretRefSchema } from '../../lib/config/monitor-schema.ts';
import type { WebhookEvent } from './events.ts';

/** How long the call may take; the document's step allows a little more. */
export const WEBHOOK_TIMEOUT_MS = 30_000;
/** How much of the answer's body is kept in the result, for the execution's output and the page. */
export const WEBHOOK_BODY_EXCERPT = 300;

/** What the function returns. `ok` is always the first key: the document tests `{"ok":true`. */
export interface WebhookResult {
  readonly ok: boolean;
  /** The HTTP status, or null when no answer came. */
  readonly status: number | null;
  /** `unexpected_status`, `network`, `timeout`, `bad_token` or `secret_unavailable` when not ok. */
  readonly reason?: string;
  /** One line for a person: what was called and what came back. */
  readonly detail: string;
}

/** What {@link callWebhook} needs from the outside. */
export interface WebhookDeps {
  readonly fetch: typeof fetch;
  readonly resolveSecret: (ref: SecretRef) => Promise<string>;
  readonly timeoutMs?: number;
}

/** The statuses that count as success: the listed ones, or any 2xx when none is listed. */
export function expectedStatuses(expectStatus: string): (status: number) => boolean {
  const listed = expectStatus
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (listed.length === 0) return (status) => status >= 200 && status < 300;
  return (status) => listed.includes(status);
}

function parseTokenRef(token: string): SecretRef | undefined {
  try {
    const parsed = secretRefSchema.safeParse(JSON.parse(token));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The start of the answer's body on one line, with the token blanked should the platform echo it. */
async function excerpt(response: Response, secret: string | undefined): Promise<string> {
  try {
    let text = (await response.text()).replace(/\s+/g, ' ').trim();
    if (secret) text = text.replaceAll(secret, '***');
    return text.length > WEBHOOK_BODY_EXCERPT ? `${text.slice(0, WEBHOOK_BODY_EXCERPT)}…` : text;
  } catch {
    return '';
  }
}

/** Calls the webhook once and judges the answer. */
export async function callWebhook(event: WebhookEvent, deps: WebhookDeps): Promise<WebhookResult> {
  // The URL without its query: a query may carry a token of its own.
  const target = `${event.method} ${new URL(event.url).origin}${new URL(event.url).pathname}`;
  const headers: Record<string, string> = { 'user-agent': 'vigil-remediation' };
  let secret: string | undefined;

  if (event.token !== '') {
    const ref = parseTokenRef(event.token);
    if (!ref) {
      return {
        ok: false,
        status: null,
        reason: 'bad_token',
        detail: `${target}: the Token parameter is not a secret reference ({"secretsManager":"..."} or {"ssmParameter":"/..."})`,
      };
    }
    try {
      const value = await deps.resolveSecret(ref);
      secret = value;
      headers.authorization = `${ref.prefix ?? 'Bearer '}${value}`;
    } catch (err) {
      // resolveSecret's messages name the secret, never its value.
      return {
        ok: false,
        status: null,
        reason: 'secret_unavailable',
        detail: `${target}: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
  }

  const sendsBody = event.body !== '' && event.method !== 'GET';
  if (sendsBody)
    headers['content-type'] = isJson(event.body) ? 'application/json' : 'text/plain; charset=utf-8';

  let response: Response;
  try {
    response = await deps.fetch(event.url, {
      method: event.method,
      headers,
      ...(sendsBody ? { body: event.body } : {}),
      // A redirect is an answer to judge, not to follow with the token.
      redirect: 'manual',
      signal: AbortSignal.timeout(deps.timeoutMs ?? WEBHOOK_TIMEOUT_MS),
    });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return timedOut
      ? {
          ok: false,
          status: null,
          reason: 'timeout',
          detail: `${target}: no answer within ${(deps.timeoutMs ?? WEBHOOK_TIMEOUT_MS) / 1000} s`,
        }
      : {
          ok: false,
          status: null,
          reason: 'network',
          detail: `${target}: ${err instanceof Error ? err.message : String(err)}${cause}`,
        };
  }
  const body = await excerpt(response, secret);
  const answered = `${target} answered ${response.status}${body ? `: ${body}` : ''}`;
  if (expectedStatuses(event.expectStatus)(response.status)) {
    return { ok: true, status: response.status, detail: answered };
  }
  const wanted = event.expectStatus.trim() === '' ? 'a 2xx' : event.expectStatus;
  return {
    ok: false,
    status: response.status,
    reason: 'unexpected_status',
    detail: `${answered} (expected ${wanted})`,
  };
}
