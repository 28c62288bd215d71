/**
 * Certificates made by the test, with the `openssl` CLI (node:crypto cannot sign X.509), and real
 * HTTPS servers on 127.0.0.1 that serve them. `openssl ca` is used rather than `openssl x509 -days`
 * because only it takes exact start and end dates, and an already-expired certificate needs an end
 * date in the past.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DAY_MS = 86_400_000;

const CA_CONFIG = `[ ca ]
default_ca = CA_default
[ CA_default ]
database = ./index.txt
new_certs_dir = ./newcerts
serial = ./serial
default_md = sha256
policy = policy_any
copy_extensions = none
unique_subject = no
[ policy_any ]
commonName = supplied
[ v3_ca ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
[ v3_leaf ]
basicConstraints = CA:false
keyUsage = digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
[ v3_other ]
basicConstraints = CA:false
extendedKeyUsage = serverAuth
subjectAltName = DNS:other.example
`;

/** A certificate and its private key, PEM. */
export interface IssuedCert {
  readonly name: string;
  readonly cert: string;
  readonly key: string;
  /** Its notAfter, epoch ms. */
  readonly notAfter: number;
}

/** A throwaway certificate authority in a temporary directory. */
export interface TestCa {
  /** The self-signed root, valid ten years. */
  readonly root: IssuedCert;
  /**
   * Issues a certificate under `issuer` (the root by default), valid from a day before `now` until
   * `now + days` (negative: already expired). `ca: true` makes an intermediate; `otherHost: true` a
   * leaf for other.example only (a hostname mismatch on 127.0.0.1).
   */
  issue(
    name: string,
    opts: { days: number; issuer?: IssuedCert; ca?: boolean; otherHost?: boolean },
  ): IssuedCert;
  /** Removes the directory. */
  dispose(): void;
}

/** `openssl ca`'s date format, GeneralizedTime. */
function asn1Time(ms: number): string {
  return `${new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

/** Whether the `openssl` CLI is on PATH. */
export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** Makes a root CA; certificates are dated from `now` (epoch ms), the real time by default. */
export function makeTestCa(now = Date.now()): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-tls-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  execFileSync('mkdir', ['-p', join(dir, 'newcerts')]);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  run(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'root.key',
    '-out',
    'root.pem',
    '-subj',
    '/CN=Vigil Test Root',
    '-days',
    '3650',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  const root: IssuedCert = {
    name: 'root',
    cert: read('root.pem'),
    key: read('root.key'),
    notAfter: now + 3650 * DAY_MS,
  };
  return {
    root,
    issue(name, { days, issuer = root, ca = false, otherHost = false }) {
      writeFileSync(join(dir, 'issuer.pem'), issuer.cert);
      writeFileSync(join(dir, 'issuer.key'), issuer.key);
      run('req', '-new', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
      // Whole seconds: the certificate cannot say more, and the test compares days exactly.
      const notAfter = Math.floor((now + days * DAY_MS) / 1000) * 1000;
      const notBefore = Math.min(now, notAfter) - DAY_MS;
      run(
        'ca',
        '-batch',
        '-config',
        'ca.cnf',
        '-cert',
        'issuer.pem',
        '-keyfile',
        'issuer.key',
        '-in',
        `${name}.csr`,
        '-out',
        `${name}.pem`,
        '-startdate',
        asn1Time(notBefore),
        '-enddate',
        asn1Time(notAfter),
        '-extensions',
        ca ? 'v3_ca' : otherHost ? 'v3_other' : 'v3_leaf',
        '-notext',
      );
      return { name, cert: read(`${name}.pem`), key: read(`${name}.key`), notAfter };
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A real HTTPS server on 127.0.0.1 that answers `{"status":"ok"}` with the given certificate chain. */
export interface TlsServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `leaf` with `chain` (intermediates, leaf's issuer first) on an ephemeral port. */
export async function startTlsServer(
  leaf: IssuedCert,
  chain: readonly IssuedCert[] = [],
): Promise<TlsServer> {
  const server: Server = createServer(
    { key: leaf.key, cert: [leaf.cert, ...chain.map((c) => c.cert)].join('') },
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/health`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
