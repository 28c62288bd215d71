/**
 * Certificate expiry, read from the TLS handshake the HTTP check already makes (every check opens a
 * fresh connection with no session cache, so it sees the certificate the server serves now). The
 * days left come from the certificates themselves (`valid_to` of the leaf and of every certificate
 * of the verified chain); only "now" comes from the check's clock.
 *
 * A certificate that has already expired, or names another host, never gets here: the handshake
 * fails and the check says `tls`, as before. This module judges valid certificates that are about to
 * expire: `certificate_expiring` under `minDays`, a warning under `warnDays`.
 */
import type { DetailedPeerCertificate } from 'node:tls';

const DAY_MS = 86_400_000;

/** One certificate of a served chain. */
export interface ChainCertificate {
  /** Its subject's common name, else the whole subject, for a person. */
  readonly subject: string;
  /** notAfter, epoch ms. */
  readonly validTo: number;
}

/**
 * The leaf and its issuers as the handshake verified them (`getPeerCertificate(true)`), leaf first.
 * Stops at a self-signed certificate (its `issuerCertificate` is itself) or a repeat. Empty when the
 * peer sent no certificate.
 */
export function chainOf(peer: DetailedPeerCertificate | undefined): ChainCertificate[] {
  const chain: ChainCertificate[] = [];
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | undefined = peer;
  while (cert && Object.keys(cert).length > 0 && cert.valid_to) {
    // The fingerprint tells a repeat apart; the raw DER would too, at more cost.
    const id = cert.fingerprint256 ?? `${chain.length}`;
    if (seen.has(id)) break;
    seen.add(id);
    const validTo = Date.parse(cert.valid_to);
    if (Number.isNaN(validTo)) break;
    chain.push({ subject: subjectName(cert), validTo });
    cert = cert.issuerCertificate;
  }
  return chain;
}

function subjectName(cert: DetailedPeerCertificate): string {
  const cn = cert.subject?.CN;
  if (typeof cn === 'string' && cn) return cn;
  if (Array.isArray(cn) && cn.length > 0) return String(cn[0]);
  return Object.entries(cert.subject ?? {})
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}

/** Days left on a certificate, rounded down to a tenth: "3.0 days" must never read as more than it is. */
export function daysLeft(validTo: number, now: number): number {
  return Math.floor(((validTo - now) / DAY_MS) * 10) / 10;
}

/** What a served chain says about expiry: the leaf, and the certificate that expires first. */
export interface CertificateExpiry {
  /** The host whose certificate this is. */
  readonly host: string;
  readonly leaf: ChainCertificate & { readonly daysLeft: number };
  /** The certificate of the chain that expires first (the leaf itself, or an intermediate or root). */
  readonly earliest: ChainCertificate & { readonly daysLeft: number; readonly position: number };
}

/** The expiry facts of a chain at `now`; undefined for an empty chain. */
export function certificateExpiry(
  host: string,
  chain: readonly ChainCertificate[],
  now: number,
): CertificateExpiry | undefined {
  const leaf = chain[0];
  if (!leaf) return undefined;
  let position = 0;
  chain.forEach((c, i) => {
    if (c.validTo < (chain[position] as ChainCertificate).validTo) position = i;
  });
  const earliest = chain[position] as ChainCertificate;
  return {
    host,
    leaf: { ...leaf, daysLeft: daysLeft(leaf.validTo, now) },
    earliest: { ...earliest, daysLeft: daysLeft(earliest.validTo, now), position },
  };
}

/** A monitor's expiry rules, resolved. */
export interface CertificateRules {
  /** Fewer days left than this: a warning. */
  readonly warnDays: number;
  /** Fewer days left than this: the check fails as `certificate_expiring`. */
  readonly minDays: number;
}

/** The verdict on a chain: a failure, a warning, or neither. */
export type CertificateVerdict =
  | { readonly level: 'ok'; readonly detail: string }
  | { readonly level: 'warn' | 'fail'; readonly detail: string };

function describe(e: CertificateExpiry): string {
  const { earliest } = e;
  const date = new Date(earliest.validTo).toISOString().replace('.000Z', 'Z');
  const which =
    earliest.position === 0
      ? `the certificate of ${e.host}`
      : `${earliest.position === 1 ? 'its issuer' : 'a CA'} ${JSON.stringify(earliest.subject)} in the chain of ${e.host} (the leaf has ${e.leaf.daysLeft.toFixed(1)} days)`;
  return `${which} expires in ${earliest.daysLeft.toFixed(1)} days (${date})`;
}

/**
 * Judges the earliest expiry in the chain: under `minDays` fails, under `warnDays` warns. Each
 * detail names the certificate, the days left, its date and the limit, so the page says what to
 * renew; an intermediate is named as such, since renewing the leaf alone will not help.
 */
export function judgeCertificate(e: CertificateExpiry, rules: CertificateRules): CertificateVerdict {
  const days = e.earliest.daysLeft;
  if (days < rules.minDays) {
    return {
      level: 'fail',
      detail: `${describe(e)}, under the ${rules.minDays}-day minimum: renew it now`,
    };
  }
  if (days < rules.warnDays) {
    return {
      level: 'warn',
      detail: `warning: ${describe(e)}, under the ${rules.warnDays}-day warning level: renew it`,
    };
  }
  return { level: 'ok', detail: describe(e) };
}
