/**
 * What the infrastructure needs to know about each monitor kind, in one place: how long one check
 * may take, which secrets it reads, and how to name its target in a page. Each function switches
 * exhaustively on `kind`, so a new kind (queue, backup, command) fails to compile here until it
 * says what it needs, and nowhere else in the constructs.
 */
import type { Monitor, SecretRef } from '../config/index.ts';

/** The longest one check of `monitor` may run, in ms (the whole check, retries included). */
export function checkDeadlineMs(monitor: Monitor): number {
  switch (monitor.kind) {
    case 'http':
      return monitor.timeoutMs;
  }
}

/** The secrets the canary reads at run time to run `monitor`'s check. */
export function secretRefsOf(monitor: Monitor): SecretRef[] {
  switch (monitor.kind) {
    case 'http':
      return Object.values(monitor.headers).filter((v): v is SecretRef => typeof v !== 'string');
  }
}

/** One line naming what the monitor checks, for alarm descriptions: "GET https://api.example.com/health". */
export function targetSummary(monitor: Monitor): string {
  switch (monitor.kind) {
    case 'http':
      return `${monitor.method} ${monitor.url}`;
  }
}
