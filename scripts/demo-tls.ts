/**
 * The demo's HTTPS endpoint: madef's health behind a short-lived self-signed certificate, made at
 * start with the `openssl` CLI (node:crypto cannot sign X.509), valid for {@link DEMO_CERT_DAYS}
 * days, so Vigil's certificate check has something about to expire to report. The certificate is
 * written to a file the `vigil check` process is told to trust with `NODE_EXTRA_CA_CERTS`, which is
 * also how a user trusts an internal CA: nothing in the CLI or the canary knows about the demo.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Days the demo certificate is valid: under the default 7-day minimum, so the check fails. */
export const DEMO_CERT_DAYS = 5;

/** The running HTTPS endpoint. */
export interface DemoTls {
  /** `https://127.0.0.1:<port>`. */
  readonly url: string;
  /** The self-signed certificate, PEM, for `NODE_EXTRA_CA_CERTS`. */
  readonly caFile: string;
  close(): Promise<void>;
}

/** Makes the certificate and serves `GET /api/health` → `{"status":"healthy"}` on 127.0.0.1. */
export async function startDemoTls(options: { port?: number; days?: number } = {}): Promise<DemoTls> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-demo-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
        '-subj',
        '/CN=madef.demo',
        '-days',
        String(options.days ?? DEMO_CERT_DAYS),
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { cwd: dir, stdio: 'pipe' },
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `could not make the demo's certificate with openssl (${(error as Error).message.split('\n')[0]}); install openssl`,
    );
  }
  const server = createServer(
    { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
    (req, res) => {
      const ok = new URL(req.url ?? '/', 'https://demo').pathname === '/api/health';
      res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok ? { status: 'healthy' } : { error: 'try /api/health' }));
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    caFile: join(dir, 'cert.pem'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
