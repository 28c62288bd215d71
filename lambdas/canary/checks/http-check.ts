/**
 * The HTTP check: one request (plus redirects and at most one retry) against a monitor's URL, turned
 * into a {@link CheckResult} with a reason code. Pure apart from the network: the clock and the secret
 * reader are parameters, so the canary Lambda and `vigil check` on a laptop run the same code.
 *
 * It uses `node:http`/`node:https` directly rather than `fetch`: the reason codes need the socket's
 * own error codes (ECONNREFUSED, CERT_HAS_EXPIRED...), the body cap needs to stop reading mid-stream,
 * and a check must cost little enough that one CPU-second runs thousands of them.
 *
 * When an answer arrives it is judged in this order, and the first failure wins:
 *   1. `http_status` - the status is not the expected one (a 503 is the news, whatever its body says);
 *   2. `timeout` / `connection_reset` / `too_large` - the body did not arrive whole, or is over the cap;
 *   3. `bad_json` - a path assertion exists but the body is not JSON (`text: true` assertions read
 *      the raw body, its first `TEXT_MATCH_MAX_BYTES`, whatever its type);
 *   4. `health_status` - a health document that says it is down (top-level `fail`/`down`/`error`/
 *      `unhealthy`, or a component down with no top-level status), unless `healthStatus: false`;
 *      failed assertions ride along in `assertions`;
 *   5. `assertion_failed` - every failed assertion, in config order;
 *   6. `certificate_expiring` - (https, `certificate` rules) the leaf or a certificate of its chain
 *      has fewer than `minDays` left; under `warnDays` the check passes with a warning as its detail;
 *   7. `slow` - a correct answer that took longer than `maxLatencyMs`; last because a wrong answer is
 *      worse news than a slow right one.
 * Components from a health document are attached whenever the body was read and parsed, pass or fail
 * (a 503's body is where "database: error" lives). A pass carries what stands out without failing as
 * its detail: a `warn` health document, a certificate near expiry.
 *
 * Query parameters from secrets are added to the URL after they are read; their values are masked as
 * `***` in every detail and URL the result carries.
 *
 * {@link requestJson} runs the same engine for checks that read a number from a JSON endpoint (queue
 * depth, backup time), so those fail with the same reason codes and never grow a second HTTP client.
 */
import {
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type RequestOptions,
  STATUS_CODES,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { rootCertificates, type TLSSocket } from 'node:tls';
import {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_REDIRECTS,
  type SecretRef,
  TEXT_MATCH_MAX_BYTES,
} from '../../../lib/config/monitor-schema.ts';
import type { HttpMonitor, JsonEndpoint } from '../../../lib/config/resolve.ts';
import { describeAssertionFailure, evaluateAssertions, needsJson, needsText } from './assertions.ts';
import {
  type CertificateExpiry,
  type ChainCertificate,
  certificateExpiry,
  chainOf,
  judgeCertificate,
} from './certificate.ts';
import { extractComponents, type HealthDocument, healthVerdict } from './health-document.ts';
import type { CheckFailure, CheckResult, CheckSuccess, ComponentStatus, ReasonCode } from './result.ts';

/** The canary's version, sent in `user-agent`. A test keeps it equal to package.json's. */
export const CANARY_VERSION = '0.1.0';
/** Sent unless the monitor sets its own `user-agent`, so a target's logs can tell the canary apart. */
export const USER_AGENT = `vigil-canary/${CANARY_VERSION}`;
/** Sent unless the monitor sets its own `accept`: health endpoints that negotiate then answer JSON. */
export const ACCEPT = 'application/json, */*;q=0.5';

/** What the HTTP check needs from outside. */
export interface HttpCheckDeps {
  /** Reads a header secret (without its prefix). A rejection fails the check as `secret_unavailable`. */
  resolveSecret(ref: SecretRef): Promise<string>;
  /**
   * Clock in epoch ms, for `checkedAt` and every duration (tests inject a fake one).
   * @default `Date.now()` for `checkedAt` and the monotonic `performance.now()` for durations
   */
  now?: () => number;
  /**
   * Certificate authorities to trust besides Node's bundled roots, PEM: the tests' own CA and the
   * demo's self-signed certificate. Production checks leave it unset.
   */
  ca?: readonly string[];
}

// One agent per protocol for the whole process, keep-alive off: every check opens a fresh connection
// (a pooled socket would hide a server that stopped accepting) and nothing is pooled or pre-allocated.
// TLS sessions are not cached, so every check does a full handshake and sees the current certificate.
const httpAgent = new HttpAgent({ keepAlive: false });
const httpsAgent = new HttpsAgent({ keepAlive: false, maxCachedSessions: 0 });

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** Headers that carry credentials: dropped when a redirect leaves the origin, as browsers do. */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie'];

// Monotonic: a wall-clock step (NTP) during a check must not turn into a negative or huge latency.
const monotonic = (): number => performance.now();

// ---------------------------------------------------------------------------------------------
// Error classification
// ---------------------------------------------------------------------------------------------

const TLS_CODES: ReadonlySet<string> = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'HOSTNAME_MISMATCH',
]);

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function errorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // OpenSSL messages run over several lines and carry source paths: one line, bounded.
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/**
 * The reason code for an error from the network stack (before or during an answer).
 * Exported for tests and for other check kinds that open sockets.
 */
export function classifyError(err: unknown): ReasonCode {
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : '';
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_NODATA':
    case 'EAI_FAIL':
      return 'dns';
    case 'ECONNREFUSED':
      return 'connection_refused';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return 'connection_reset';
    case 'ETIMEDOUT':
      return 'timeout';
    case 'EPROTO':
      return /ssl|tls/i.test(message) ? 'tls' : 'network';
  }
  if (code !== undefined) {
    if (
      code.startsWith('CERT_') ||
      code.startsWith('ERR_TLS_') ||
      code.startsWith('ERR_SSL_') ||
      TLS_CODES.has(code)
    ) {
      return 'tls';
    }
  }
  if (message === 'socket hang up' || message === 'aborted') return 'connection_reset';
  return 'network';
}

function describeError(err: unknown): string {
  const code = errorCode(err);
  const message = errorMessage(err);
  return code !== undefined && !message.includes(code) ? `${message} (${code})` : message;
}

// Network errors where no HTTP answer came back, so trying once more may succeed.
const RETRYABLE: ReadonlySet<ReasonCode> = new Set([
  'dns',
  'connection_refused',
  'connection_reset',
  'network',
]);
// For a method that changes state, only errors where the request cannot have reached the server.
const RETRYABLE_UNSENT: ReadonlySet<ReasonCode> = new Set(['dns', 'connection_refused']);
const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

// ---------------------------------------------------------------------------------------------
// One request
// ---------------------------------------------------------------------------------------------

interface Hop {
  readonly url: URL;
  readonly method: string;
  readonly headers: OutgoingHttpHeaders;
  readonly body: string | undefined;
}

interface HopLimits {
  readonly clock: () => number;
  /** Epoch ms by which the whole check must end. */
  readonly deadline: number;
  readonly maxBodyBytes: number;
  /** Skip the body of a 3xx with a Location: the caller follows it. */
  readonly followRedirects: boolean;
  /** Keep the body in memory (for JSON), rather than only count it. */
  readonly keepBody: (headers: IncomingHttpHeaders) => boolean;
  /** Whether a status is the expected one; a wrong status with a body we would not keep ends the read. */
  readonly statusOk: (statusCode: number) => boolean;
  /** The https agent: the shared one, or one trusting `deps.ca` too. */
  readonly httpsAgent: HttpsAgent;
}

/** An HTTP answer: its headers always, its body as far as it came. */
interface Answer {
  statusCode: number;
  statusMessage: string;
  headers: IncomingHttpHeaders;
  /** From the start of this request to the answer's headers. */
  latencyMs: number;
  /** Set when the answer is a redirect to follow; its body was not read. */
  redirectTo?: string;
  /** The body, when it was kept and arrived whole. */
  body?: Buffer;
  bodyBytes: number;
  /** Content-Length, when it alone put the answer over the cap. */
  declaredBytes?: number;
  bodyEnd: 'complete' | 'skipped' | 'too_large' | 'timeout' | 'error';
  bodyError?: unknown;
  /** The verified chain served on this connection (https only), leaf first. */
  chain?: readonly ChainCertificate[];
}

type HopOutcome =
  | { readonly type: 'answer'; readonly answer: Answer }
  | { readonly type: 'timeout' }
  | { readonly type: 'error'; readonly error: unknown };

/**
 * Sends one request and reads its answer within the deadline. Never rejects. The socket is destroyed
 * as soon as the outcome is known: over the cap, at the deadline, or once a redirect's headers are in.
 */
function sendOnce(hop: Hop, limits: HopLimits): Promise<HopOutcome> {
  return new Promise<HopOutcome>((resolve) => {
    const { clock, deadline, maxBodyBytes } = limits;
    const started = clock();
    let settled = false;
    let answer: Answer | undefined;
    let chunks: Buffer[] | undefined;
    let timer: NodeJS.Timeout | undefined;
    let req: ClientRequest | undefined;

    const settle = (outcome: HopOutcome): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      // Frees the socket at once: no draining a body nobody reads, no waiting for the server to close.
      req?.destroy();
      resolve(outcome);
    };
    const bodyFailed = (err: unknown): void => {
      if (settled) return;
      if (!answer) {
        settle({ type: 'error', error: err });
        return;
      }
      answer.bodyEnd = 'error';
      answer.bodyError = err;
      settle({ type: 'answer', answer });
    };
    const onDeadline = (): void => {
      // Timers may fire a hair early against this clock; never report a timeout before it is due.
      const left = deadline - clock();
      if (left > 0) {
        timer = setTimeout(onDeadline, Math.ceil(left));
        return;
      }
      if (!answer) {
        settle({ type: 'timeout' });
        return;
      }
      answer.bodyEnd = 'timeout';
      settle({ type: 'answer', answer });
    };

    const onResponse = (res: IncomingMessage): void => {
      const statusCode = res.statusCode ?? 0;
      const a: Answer = {
        statusCode,
        statusMessage: res.statusMessage ?? '',
        headers: res.headers,
        latencyMs: clock() - started,
        bodyBytes: 0,
        bodyEnd: 'complete',
      };
      // The handshake is over and verified by now: its chain is what the expiry check reads.
      const socket = res.socket as TLSSocket | null;
      if (typeof socket?.getPeerCertificate === 'function')
        a.chain = chainOf(socket.getPeerCertificate(true));
      answer = a;
      res.on('error', bodyFailed);
      const location = res.headers.location;
      if (limits.followRedirects && location && REDIRECT_STATUSES.has(statusCode)) {
        a.redirectTo = location;
        a.bodyEnd = 'skipped';
        settle({ type: 'answer', answer: a });
        return;
      }
      const declared = Number(res.headers['content-length']);
      if (hop.method !== 'HEAD' && declared > maxBodyBytes) {
        a.declaredBytes = declared;
        a.bodyEnd = 'too_large';
        settle({ type: 'answer', answer: a });
        return;
      }
      const keep = limits.keepBody(res.headers);
      if (!keep && !limits.statusOk(statusCode)) {
        // The status alone fails the check and the body holds no components: nothing to wait for.
        a.bodyEnd = 'skipped';
        settle({ type: 'answer', answer: a });
        return;
      }
      if (keep) chunks = [];
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        a.bodyBytes += chunk.length;
        if (a.bodyBytes > maxBodyBytes) {
          a.bodyEnd = 'too_large';
          chunks = undefined;
          settle({ type: 'answer', answer: a });
        } else {
          chunks?.push(chunk);
        }
      });
      res.on('end', () => {
        if (chunks) a.body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, a.bodyBytes);
        settle({ type: 'answer', answer: a });
      });
      res.on('close', () => {
        if (!settled)
          bodyFailed(Object.assign(new Error('connection closed mid-body'), { code: 'ECONNRESET' }));
      });
    };

    try {
      const { url } = hop;
      const https = url.protocol === 'https:';
      const options: RequestOptions = {
        // URL keeps IPv6 hosts in brackets; the socket layer wants them bare.
        hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
        port: url.port || (https ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: hop.method,
        headers: hop.headers,
        agent: https ? limits.httpsAgent : httpAgent,
      };
      req = (https ? httpsRequest : httpRequest)(options, (res) => {
        try {
          onResponse(res);
        } catch (err) {
          bodyFailed(err);
        }
      });
      // Stays attached after settling: a destroyed request may still emit, and an unhandled
      // 'error' would crash the process.
      req.on('error', bodyFailed);
      timer = setTimeout(onDeadline, Math.max(0, Math.ceil(deadline - started)));
      req.end(hop.body);
    } catch (err) {
      // Invalid header characters and the like throw synchronously.
      settle({ type: 'error', error: err });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Headers and secrets
// ---------------------------------------------------------------------------------------------

function describeSecretRef(ref: SecretRef): string {
  return 'ssmParameter' in ref
    ? `SSM parameter ${ref.ssmParameter}`
    : `Secrets Manager secret ${ref.secretsManager}${ref.jsonKey !== undefined ? ` field ${JSON.stringify(ref.jsonKey)}` : ''}`;
}

type BuiltHeaders =
  | {
      readonly ok: true;
      readonly headers: Record<string, string>;
      readonly secretNames: readonly string[];
      /** Query parameters to add to the URL, secrets resolved, in config order. */
      readonly query: ReadonlyArray<readonly [string, string]>;
      /** Values read from secrets for the query: never shown in a detail or a URL the result carries. */
      readonly querySecrets: readonly string[];
    }
  | { readonly ok: false; readonly detail: string };

type SecretRead =
  | { readonly where: 'header' | 'query'; readonly name: string; readonly value: string }
  | { readonly where: 'header' | 'query'; readonly name: string; readonly detail: string };

/**
 * The request headers, secrets resolved (with their prefix), names lower-cased, defaults added; and
 * the query parameters to add to the URL, secrets resolved the same way. Secret reads count against
 * the check's deadline; a read still pending at the deadline is reported as `secret_unavailable`,
 * since the target was never asked.
 */
async function buildHeaders(
  monitor: Pick<HttpRequestSpec, 'headers' | 'body' | 'query'>,
  deps: HttpCheckDeps,
  deadlineIn: number,
): Promise<BuiltHeaders> {
  const headers: Record<string, string> = {};
  const query: Array<readonly [string, string]> = [];
  const secrets: Array<Promise<SecretRead>> = [];
  const pending: string[] = [];
  const read = (where: 'header' | 'query', name: string, ref: SecretRef): Promise<SecretRead> =>
    (async () => {
      try {
        const secret = await deps.resolveSecret(ref);
        // Header values carry no surrounding whitespace; a parameter saved with a trailing newline
        // would otherwise make the request invalid (or, in a query, send the newline).
        return { where, name, value: `${ref.prefix ?? ''}${String(secret).trim()}` };
      } catch (err) {
        // The resolver's message names the parameter, never the value; ours is built the same way.
        return {
          where,
          name,
          detail: `${where} ${name}: ${describeSecretRef(ref)} is unavailable (${errorMessage(err)})`,
        };
      }
    })();
  for (const [rawName, value] of Object.entries(monitor.headers)) {
    const name = rawName.toLowerCase();
    if (typeof value === 'string') {
      headers[name] = value;
      continue;
    }
    secrets.push(read('header', name, value));
    pending.push(`header ${name} (${describeSecretRef(value)})`);
  }
  // Names keep their case (servers may care); plain values come first, then secrets, each in config order.
  for (const [name, value] of Object.entries(monitor.query ?? {})) {
    if (typeof value === 'string') {
      query.push([name, value]);
      continue;
    }
    secrets.push(read('query', name, value));
    pending.push(`query ${name} (${describeSecretRef(value)})`);
  }
  const querySecrets: string[] = [];
  if (secrets.length > 0) {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), Math.max(0, deadlineIn));
    });
    const resolved = await Promise.race([Promise.all(secrets), late]);
    clearTimeout(timer);
    if (resolved === 'late') {
      return {
        ok: false,
        detail: `timed out after ${Math.round(deadlineIn)} ms reading ${pending.join(', ')}`,
      };
    }
    for (const r of resolved) {
      if ('detail' in r) return { ok: false, detail: r.detail };
      if (r.where === 'header') headers[r.name] = r.value;
      else {
        query.push([r.name, r.value]);
        querySecrets.push(r.value);
      }
    }
  }
  headers['user-agent'] ??= USER_AGENT;
  headers.accept ??= ACCEPT;
  // Ask for an uncompressed body: the cap counts what the server sends, and JSON.parse needs plain text.
  headers['accept-encoding'] ??= 'identity';
  if (monitor.body !== undefined) headers['content-length'] = String(Buffer.byteLength(monitor.body));
  const secretNames = Object.entries(monitor.headers)
    .filter(([, v]) => typeof v !== 'string')
    .map(([n]) => n.toLowerCase());
  return { ok: true, headers, secretNames, query, querySecrets };
}

/**
 * Replaces every secret query value in `text` (as sent, and as a URL encodes it) with `***`, so a
 * detail or a redirect's URL never carries one into a page or a log. Values under 4 characters are
 * left alone: masking them would mangle the text and hide nothing worth hiding.
 */
function redactor(values: readonly string[]): (text: string) => string {
  const forms = new Set<string>();
  for (const v of values) {
    if (v.length < 4) continue;
    forms.add(v);
    forms.add(encodeURIComponent(v));
    forms.add(new URLSearchParams({ v }).toString().slice(2));
  }
  if (forms.size === 0) return (text) => text;
  // Longest first, so a value is masked whole before any encoding of a part of it.
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  return (text) => ordered.reduce((t, form) => t.split(form).join('***'), text);
}

// ---------------------------------------------------------------------------------------------
// Judging an answer
// ---------------------------------------------------------------------------------------------

function mediaType(headers: IncomingHttpHeaders): string {
  const ct = headers['content-type'];
  if (!ct) return '';
  const semi = ct.indexOf(';');
  return (semi < 0 ? ct : ct.slice(0, semi)).trim().toLowerCase();
}

function isJsonMediaType(type: string): boolean {
  // application/json, application/health+json, application/problem+json, text/json...
  return type.endsWith('json');
}

function statusText(a: Answer): string {
  const text = STATUS_CODES[a.statusCode] ?? a.statusMessage;
  return text ? `HTTP ${a.statusCode} ${text}` : `HTTP ${a.statusCode}`;
}

function expectedStatus(expect: readonly number[]): string {
  if (expect.length === 0) return '2xx';
  if (expect.length === 1) return String(expect[0]);
  if (expect.length === 2) return `${expect[0]} or ${expect[1]}`;
  return `one of ${expect.join(', ')}`;
}

function bodyPreview(text: string): string {
  const start = text.trimStart().slice(0, 40).replace(/\s+/g, ' ');
  return start ? `starts ${JSON.stringify(start)}` : 'empty';
}

type Parsed = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly text: string };

/** What `text: true` assertions search: the body's first {@link TEXT_MATCH_MAX_BYTES} bytes as UTF-8. */
function bodyText(body: Buffer): string {
  const text = body.subarray(0, TEXT_MATCH_MAX_BYTES).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function parseJson(body: Buffer): Parsed {
  let text = body.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, text };
  }
}

// ---------------------------------------------------------------------------------------------
// The check
// ---------------------------------------------------------------------------------------------

/** The parts of an HTTP monitor that make the request and judge the answer. */
type HttpRequestSpec = Pick<
  HttpMonitor,
  | 'name'
  | 'url'
  | 'method'
  | 'headers'
  | 'body'
  | 'timeoutMs'
  | 'maxRedirects'
  | 'maxBodyBytes'
  | 'retryNetworkErrors'
  | 'expectStatus'
  | 'maxLatencyMs'
  | 'assertions'
  | 'query'
  | 'healthStatus'
> &
  Partial<Pick<HttpMonitor, 'certificate'>>;

/** How a caller other than {@link runHttpCheck} uses the engine. */
interface ExchangeOptions {
  /** The result's `kind`. */
  readonly kind: string;
  /**
   * Judge the body as JSON even without assertions (`bad_json` when it is not), and hand the parsed
   * body over when the answer passes.
   */
  readonly onJson?: (value: unknown) => void;
}

/** What the result carries besides pass/fail, gathered as the check goes. */
interface Progress {
  attempts: number;
  latencyMs?: number;
  statusCode?: number;
  finalUrl?: string;
  components?: readonly ComponentStatus[];
  overallStatus?: string;
  /** The earliest expiry among the https hops' chains (redirects included). */
  certificate?: CertificateExpiry;
}

/**
 * Runs an HTTP monitor once and says how it went. Never throws: every outcome, including a bug
 * here, is a {@link CheckResult}; `timeoutMs` bounds the whole check (secrets, redirects, retry).
 */
export async function runHttpCheck(monitor: HttpMonitor, deps: HttpCheckDeps): Promise<CheckResult> {
  return exchange(monitor, deps, { kind: 'http' });
}

/** The ResultBase fields of an answered request, for a check that builds its own result on them. */
export type JsonRequestBase = Omit<CheckSuccess, 'ok'>;

/** What {@link requestJson} returns: the parsed body, or the failed result that explains why not. */
export type JsonResponse =
  | {
      readonly ok: true;
      /** The parsed body: any JSON value, `null` included. */
      readonly json: unknown;
      /** Time to the final answer's headers, ms. */
      readonly latencyMs: number;
      /** The answer's status (a 2xx). */
      readonly statusCode: number;
      /** monitor, kind, checkedAt, durationMs, latencyMs, statusCode, attempts, finalUrl, components. */
      readonly base: JsonRequestBase;
    }
  | { readonly ok: false; readonly result: CheckFailure };

/**
 * GETs a JSON endpoint (a queue's depth, a backup provider's API) through the same engine as
 * {@link runHttpCheck}, so it fails the same way with the same reason codes: a fresh connection,
 * `timeoutMs` for everything (secrets, redirects, one retry of a network error), at most
 * `DEFAULT_MAX_REDIRECTS` redirects (credentials dropped across origins), the `DEFAULT_MAX_BODY_BYTES`
 * cap, header secrets through `deps.resolveSecret`. Any 2xx passes (`http_status` otherwise); a body
 * that is not JSON, whatever its content-type says, is `bad_json`. Never throws.
 *
 * @param monitorName - the result's `monitor`
 * @param kind - the result's `kind` ("queue", "backup")
 */
export async function requestJson(
  monitorName: string,
  kind: string,
  endpoint: JsonEndpoint,
  deps: HttpCheckDeps,
): Promise<JsonResponse> {
  const spec: HttpRequestSpec = {
    name: monitorName,
    url: endpoint.url,
    method: 'GET',
    headers: endpoint.headers,
    timeoutMs: endpoint.timeoutMs,
    // The config gives an endpoint no knobs for these: the HTTP monitor's defaults apply.
    maxRedirects: DEFAULT_MAX_REDIRECTS,
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    retryNetworkErrors: true,
    expectStatus: [],
    assertions: [],
    ...(endpoint.query !== undefined && { query: endpoint.query }),
    // A queue's or a backup API's body is read for a number, not judged as a health document.
    healthStatus: false,
  };
  let json: { value: unknown } | undefined;
  const result = await exchange(spec, deps, {
    kind,
    onJson: (value) => {
      json = { value };
    },
  });
  if (!result.ok) return { ok: false, result };
  const { ok: _ok, ...base } = result;
  // A pass with onJson always delivered the body; the guard keeps the types honest.
  if (json === undefined) {
    return { ok: false, result: { ...base, ok: false, reason: 'bad_json', detail: 'no body' } };
  }
  return {
    ok: true,
    json: json.value,
    latencyMs: base.latencyMs ?? 0,
    statusCode: base.statusCode ?? 0,
    base,
  };
}

/** One request, its redirects and retry, and the verdict on the final answer. Never throws. */
async function exchange(
  monitor: HttpRequestSpec,
  deps: HttpCheckDeps,
  options: ExchangeOptions,
): Promise<CheckResult> {
  const clock = deps.now ?? monotonic;
  const start = clock();
  const checkedAt = new Date(deps.now ? start : Date.now()).toISOString();
  const deadline = start + monitor.timeoutMs;
  const progress: Progress = { attempts: 1 };
  const expect = monitor.expectStatus;
  const wantJson = needsJson(monitor.assertions) || options.onJson !== undefined;
  // `text: true` assertions read the raw body whatever its content-type (HTML, plain "OK").
  const wantText = needsText(monitor.assertions);
  // Masks secret query values; set once they are read.
  let redact = (text: string): string => text;
  const statusOk = (code: number): boolean =>
    expect.length === 0 ? code >= 200 && code < 300 : expect.includes(code);

  const base = () => ({
    monitor: monitor.name,
    kind: options.kind,
    checkedAt,
    durationMs: Math.round(clock() - start),
    ...(progress.latencyMs !== undefined && { latencyMs: Math.round(progress.latencyMs) }),
    ...(progress.statusCode !== undefined && { statusCode: progress.statusCode }),
    attempts: progress.attempts,
    ...(progress.finalUrl !== undefined && { finalUrl: redact(progress.finalUrl) }),
    ...(progress.components !== undefined && { components: progress.components }),
    ...(progress.overallStatus !== undefined && { overallStatus: progress.overallStatus }),
    ...(progress.certificate !== undefined && {
      measurements: { CertificateDaysLeft: progress.certificate.earliest.daysLeft },
    }),
  });
  const pass = (detail?: string): CheckSuccess => ({
    ...base(),
    ok: true,
    ...(detail !== undefined && { detail }),
  });
  const fail = (
    reason: ReasonCode,
    detail: string,
    extra?: Pick<CheckFailure, 'assertions'>,
  ): CheckFailure => ({
    ...base(),
    ok: false,
    reason,
    detail: redact(detail),
    ...extra,
  });

  try {
    let url: URL;
    try {
      url = new URL(monitor.url);
    } catch {
      return fail('network', `${JSON.stringify(monitor.url)} is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return fail('network', `${url.protocol} URLs are not supported; use http:// or https://`);
    }

    const built = await buildHeaders(monitor, deps, deadline - clock());
    if (!built.ok) return fail('secret_unavailable', built.detail);
    for (const [name, value] of built.query) url.searchParams.append(name, value);
    redact = redactor(built.querySecrets);
    // What " at <url>" in a detail compares with: the URL as requested, query included.
    const requested = url.href;

    const limits: HopLimits = {
      clock,
      deadline,
      maxBodyBytes: monitor.maxBodyBytes,
      followRedirects: monitor.maxRedirects > 0,
      keepBody: (h) => wantJson || wantText || isJsonMediaType(mediaType(h)),
      statusOk,
      httpsAgent: deps.ca?.length
        ? new HttpsAgent({ keepAlive: false, maxCachedSessions: 0, ca: [...rootCertificates, ...deps.ca] })
        : httpsAgent,
    };
    let hop: Hop = { url, method: monitor.method, headers: built.headers, body: monitor.body };
    // Keyed by method too: POST /form -> 303 -> GET /form is not a loop.
    const visited = new Set<string>([`${hop.method} ${withoutHash(url)}`]);
    let redirects = 0;

    for (;;) {
      const outcome = await sendOnce(hop, limits);
      if (outcome.type === 'timeout') {
        return fail('timeout', `no answer within ${monitor.timeoutMs} ms${where(hop.url, requested)}`);
      }
      if (outcome.type === 'error') {
        const reason = classifyError(outcome.error);
        const retryable = IDEMPOTENT.has(hop.method) ? RETRYABLE : RETRYABLE_UNSENT;
        if (
          monitor.retryNetworkErrors &&
          progress.attempts < 2 &&
          retryable.has(reason) &&
          // A request Node refused to build (a bad header value) fails the same way twice.
          !errorCode(outcome.error)?.startsWith('ERR_INVALID_') &&
          clock() < deadline
        ) {
          progress.attempts++;
          continue;
        }
        return fail(reason, `${describeError(outcome.error)}${where(hop.url, requested)}`);
      }

      const answer = outcome.answer;
      progress.statusCode = answer.statusCode;
      progress.latencyMs = answer.latencyMs;
      if (monitor.certificate && answer.chain) {
        // Only "now" comes from the clock; the days left are the certificates' own dates.
        const expiry = certificateExpiry(hop.url.hostname, answer.chain, deps.now ? clock() : Date.now());
        if (
          expiry &&
          (!progress.certificate || expiry.earliest.validTo < progress.certificate.earliest.validTo)
        ) {
          progress.certificate = expiry;
        }
      }

      if (answer.redirectTo !== undefined) {
        const from = `${statusText(answer)} to ${answer.redirectTo}`;
        if (redirects >= monitor.maxRedirects) {
          return fail('redirect_loop', `more than ${monitor.maxRedirects} redirects (last: ${from})`);
        }
        let next: URL;
        try {
          next = new URL(answer.redirectTo, hop.url);
        } catch {
          return fail(
            'http_status',
            `${statusText(answer)} with a Location that is not a URL: ${answer.redirectTo}`,
          );
        }
        if (next.protocol !== 'http:' && next.protocol !== 'https:') {
          return fail('http_status', `${from}, which is not an http(s) URL`);
        }
        // 303 means "GET the result"; 301/302 after a POST are turned into GET by every client in use.
        const toGet =
          hop.method !== 'HEAD' &&
          (answer.statusCode === 303 ||
            ((answer.statusCode === 301 || answer.statusCode === 302) && hop.method === 'POST'));
        const method = toGet ? 'GET' : hop.method;
        const key = `${method} ${withoutHash(next)}`;
        if (visited.has(key)) {
          return fail('redirect_loop', `redirect loop: ${from} was already visited`);
        }
        visited.add(key);
        const headers: Record<string, string> = { ...(hop.headers as Record<string, string>) };
        if (toGet) {
          delete headers['content-length'];
          delete headers['content-type'];
        }
        if (next.origin !== hop.url.origin) {
          // A token for one origin is not sent to another.
          for (const name of built.secretNames) delete headers[name];
          for (const name of CREDENTIAL_HEADERS) delete headers[name];
        }
        redirects++;
        progress.finalUrl = next.href;
        hop = { url: next, method, headers, body: toGet ? undefined : hop.body };
        continue;
      }

      return judge(answer);
    }
  } catch (err) {
    return fail('network', `unexpected error in the check: ${describeError(err)}`);
  }

  function judge(answer: Answer): CheckResult {
    const type = mediaType(answer.headers);
    let parsed: Parsed | undefined;
    let doc: HealthDocument | undefined;
    if (answer.body !== undefined && answer.bodyEnd === 'complete') {
      parsed = parseJson(answer.body);
      if (parsed.ok) {
        doc = extractComponents(parsed.value);
        if (doc) {
          progress.components = doc.components;
          if (doc.overallStatus !== undefined) progress.overallStatus = doc.overallStatus;
        }
      }
    }

    if (!statusOk(answer.statusCode)) {
      const to = answer.headers.location ? ` (to ${answer.headers.location})` : '';
      return fail(
        'http_status',
        `${statusText(answer)}${to}, expected ${expectedStatus(monitor.expectStatus)}`,
      );
    }

    switch (answer.bodyEnd) {
      case 'timeout':
        return fail(
          'timeout',
          `${statusText(answer)} after ${Math.round(answer.latencyMs)} ms, but the body was not complete within ${monitor.timeoutMs} ms (${answer.bodyBytes} bytes read)`,
        );
      case 'error': {
        const reason = classifyError(answer.bodyError);
        return fail(
          reason === 'network' ? 'connection_reset' : reason,
          `${statusText(answer)}, then the body broke off after ${answer.bodyBytes} bytes: ${describeError(answer.bodyError)}`,
        );
      }
      case 'too_large':
        return fail(
          'too_large',
          answer.declaredBytes !== undefined
            ? `Content-Length ${answer.declaredBytes} bytes is over the ${monitor.maxBodyBytes}-byte limit; not read`
            : `body over the ${monitor.maxBodyBytes}-byte limit; stopped reading`,
        );
    }

    if (wantJson && !parsed?.ok) {
      const preview = parsed ? bodyPreview(parsed.text) : 'empty';
      return fail('bad_json', `body is not JSON (${type || 'no content-type'}, ${preview})`);
    }
    const failures =
      monitor.assertions.length > 0
        ? evaluateAssertions(
            parsed?.ok ? parsed.value : undefined,
            monitor.assertions,
            wantText && answer.body !== undefined ? bodyText(answer.body) : undefined,
          )
        : [];
    // The document's own verdict comes before the monitor's assertions: a service that says it is
    // down is the news, as a 503 is. Failed assertions still ride along for the page.
    const health = doc && monitor.healthStatus !== false ? healthVerdict(doc) : undefined;
    if (health && !health.ok) {
      return fail('health_status', health.detail, failures.length > 0 ? { assertions: failures } : undefined);
    }
    if (failures.length > 0) {
      return fail('assertion_failed', failures.map(describeAssertionFailure).join('; '), {
        assertions: failures,
      });
    }

    const cert =
      monitor.certificate && progress.certificate
        ? judgeCertificate(progress.certificate, monitor.certificate)
        : undefined;
    if (cert?.level === 'fail') return fail('certificate_expiring', cert.detail);

    const latency = Math.round(answer.latencyMs);
    if (monitor.maxLatencyMs !== undefined && latency > monitor.maxLatencyMs) {
      return fail('slow', `answered in ${latency} ms, over the ${monitor.maxLatencyMs} ms limit`);
    }
    if (parsed?.ok) options.onJson?.(parsed.value);
    // A warning rides on a pass: `vigil check` prints it, and the pager's email quotes the last check.
    const notes = [health?.ok ? health.note : undefined, cert?.level === 'warn' ? cert.detail : undefined]
      .filter((n): n is string => n !== undefined)
      .join('; ');
    return pass(notes === '' ? undefined : notes);
  }
}

function withoutHash(url: URL): string {
  const hash = url.hash;
  return hash ? url.href.slice(0, -hash.length) : url.href;
}

/** " at <url>" when the failing request was not the monitor's own URL (after a redirect). */
function where(url: URL, original: string): string {
  return url.href === original || url.href === new URL(original).href ? '' : ` at ${url.href}`;
}
