import { describe, expect, it } from 'vitest';
import { type DrillFacts, DrillFactsError, parseDrillFacts } from '../../lib/drills/facts.ts';
import { formatDuration, judgeDrill } from '../../lib/drills/judge.ts';
import type { Drill } from '../../lib/drills/model.ts';

const DRILL: Drill = {
  name: 'madef-host',
  monitor: 'madef-backups',
  service: 'madef',
  target: {
    kind: 'host-dump',
    directory: '/opt/madef/backups',
    pattern: 'madef_{YYYYMMDD}_{HHMMSS}.sql.gz',
    instance: 'i-0123456789abcdef0',
    psql: 'docker compose -f /opt/madef/docker-compose.yml exec -T postgres psql -U madef',
  },
  queries: [{ name: 'Paciente rows', sql: 'SELECT count(*) FROM "Paciente"', min: 5 }],
  freshnessSql: 'SELECT max(updated_at) FROM "Avaliacao"',
  rtoMinutes: 60,
  rpoHours: 24,
  schedule: 'cron(0 3 ? * SUN#1 *)',
  timeZone: 'UTC',
  severity: 'P2',
  gameDay: false,
};

/** Sunday 6 December 2026, 03:00 UTC: the first-Sunday drill. */
const DRILL_START = Date.UTC(2026, 11, 6, 3, 0, 0);

const GOOD: DrillFacts = {
  ok: true,
  dump: '/opt/madef/backups/madef_20261206_020000.sql.gz',
  dumpTimestamp: '2026-12-06T02:00:00.000Z',
  database: 'vigil_drill_madef_host',
  startedAt: '2026-12-06T03:00:05.000Z',
  restoredAt: '2026-12-06T03:04:05.000Z',
  verifiedAt: '2026-12-06T03:04:47.500Z',
  queries: [{ name: 'Paciente rows', value: 1200, min: 5, ok: true }],
  newestData: '2026-12-06T01:58:30.000Z',
  dropped: true,
};

const judge = (facts: Partial<DrillFacts>, drill: Partial<Drill> = {}) =>
  judgeDrill({ ...GOOD, ...facts }, { ...DRILL, ...drill }, { drillStartedAt: DRILL_START });

describe('judgeDrill', () => {
  it('passes a restore verified within the RTO with data within the RPO, measuring both', () => {
    expect(judge({})).toEqual({
      ok: true,
      failures: [],
      rtoSeconds: 282.5,
      rpoSeconds: 3690,
      rpoFrom: 'data',
      rtoOk: true,
      rpoOk: true,
    });
  });

  it("measures the RPO from the dump's name when the drill has no freshness query", () => {
    const outcome = judge({ newestData: undefined });
    expect(outcome).toMatchObject({ ok: true, rpoSeconds: 3600, rpoFrom: 'dump' });
  });

  it('fails an RTO of 1 h 12 min against 1 h', () => {
    const outcome = judge({ verifiedAt: '2026-12-06T04:12:05.000Z' });
    expect(outcome.rtoSeconds).toBe(4320);
    expect(outcome.rtoOk).toBe(false);
    expect(outcome.failures).toEqual([
      { code: 'rto_exceeded', message: 'restore to verified took 1 h 12 min, over the RTO of 1 h' },
    ]);
  });

  it('passes an RTO exactly at its target, and names a 45-minute RTO in minutes', () => {
    expect(judge({ verifiedAt: '2026-12-06T04:00:05.000Z' }).rtoOk).toBe(true);
    expect(judge({ verifiedAt: '2026-12-06T03:50:06.000Z' }, { rtoMinutes: 50 }).failures).toEqual([
      { code: 'rto_exceeded', message: 'restore to verified took 50 min 1 s, over the RTO of 50 min' },
    ]);
  });

  it('fails data older than the RPO although the file name is fresh', () => {
    const outcome = judge({ newestData: '2026-12-02T01:58:30.000Z' });
    expect(outcome).toMatchObject({
      ok: false,
      rpoOk: false,
      rtoOk: true,
      rpoSeconds: 349_290,
      rpoFrom: 'data',
    });
    expect(outcome.failures).toEqual([
      {
        code: 'rpo_exceeded',
        message:
          'the newest data restored is from 2026-12-02T01:58:30.000Z, 97.0 h before the drill started, ' +
          "over the RPO of 24 h, although the dump's name says 2026-12-06T02:00:00.000Z (1 h old)",
      },
    ]);
  });

  it('fails a dump whose own name is older than the RPO', () => {
    const outcome = judge({
      newestData: undefined,
      dump: '/opt/madef/backups/madef_20261204_020000.sql.gz',
      dumpTimestamp: '2026-12-04T02:00:00.000Z',
    });
    expect(outcome.failures).toEqual([
      {
        code: 'rpo_exceeded',
        message:
          'the dump /opt/madef/backups/madef_20261204_020000.sql.gz is from 2026-12-04T02:00:00.000Z, ' +
          '49.0 h before the drill started, over the RPO of 24 h',
      },
    ]);
  });

  it('does not blame a fresh name when both the data and the name are old', () => {
    const outcome = judge({
      newestData: '2026-12-03T01:00:00.000Z',
      dumpTimestamp: '2026-12-03T02:00:00.000Z',
    });
    expect(outcome.failures[0]?.message).toBe(
      'the newest data restored is from 2026-12-03T01:00:00.000Z, 74.0 h before the drill started, over the RPO of 24 h',
    );
  });

  it('treats newest data after the drill start (clock skew) as an RPO of 0', () => {
    expect(judge({ newestData: '2026-12-06T03:00:30.000Z' })).toMatchObject({ rpoSeconds: 0, rpoOk: true });
  });

  it('fails a failed restore with the dump, the database and the first error, and no RTO', () => {
    const outcome = judge({
      ok: false,
      reason: 'restore_failed',
      error:
        'gzip: stdin: unexpected end of file (the dump is truncated or corrupt; psql restored only part of it)',
      restoredAt: undefined,
      verifiedAt: undefined,
      queries: [],
      newestData: undefined,
    });
    expect(outcome).toEqual({
      ok: false,
      failures: [
        {
          code: 'restore_failed',
          message:
            'restoring /opt/madef/backups/madef_20261206_020000.sql.gz into vigil_drill_madef_host failed: ' +
            'gzip: stdin: unexpected end of file (the dump is truncated or corrupt; psql restored only part of it)',
        },
      ],
      rtoSeconds: undefined,
      // The name still dates the dump; only the RTO is unknown.
      rpoSeconds: 3600,
      rpoFrom: 'dump',
      rtoOk: false,
      rpoOk: true,
    });
  });

  it('lists every query below its minimum and every failed query, by name', () => {
    const outcome = judge({
      ok: false,
      reason: 'below_minimum',
      error: 'Cuidador rows is 1, below the minimum of 5',
      queries: [
        { name: 'Paciente rows', value: 1200, min: 5, ok: true },
        { name: 'Cuidador rows', value: 1, min: 5, ok: false },
        {
          name: 'Avaliacao rows',
          value: null,
          min: 5,
          ok: false,
          error: 'ERROR:  relation "Avaliacao" does not exist',
        },
      ],
    });
    expect(outcome.failures).toEqual([
      { code: 'below_minimum', message: 'Cuidador rows is 1, below the minimum of 5' },
      { code: 'query_failed', message: 'Avaliacao rows failed: ERROR:  relation "Avaliacao" does not exist' },
    ]);
    expect(outcome.rtoOk).toBe(true);
  });

  it('fails a failed freshness query, which has no entry of its own', () => {
    const outcome = judge({
      ok: false,
      reason: 'query_failed',
      error: 'freshness query returned no value (an empty table gives NULL)',
      newestData: undefined,
    });
    expect(outcome.failures).toEqual([
      {
        code: 'query_failed',
        message: 'freshness query failed: freshness query returned no value (an empty table gives NULL)',
      },
    ]);
  });

  it('says how to measure the RPO when neither the data nor the name dates the restore', () => {
    const outcome = judge({ newestData: undefined, dumpTimestamp: undefined });
    expect(outcome).toMatchObject({ ok: false, rpoSeconds: undefined, rpoFrom: undefined, rpoOk: false });
    expect(outcome.failures).toEqual([
      {
        code: 'rpo_unknown',
        message:
          "the RPO cannot be measured: the dump's name carries no timestamp the pattern reads and the drill has no freshnessSql; " +
          'set freshnessSql (e.g. SELECT max(updated_at) FROM "Avaliacao") or a pattern like madef_{YYYYMMDD}_{HHMMSS}.sql.gz',
      },
    ]);
  });

  it("reports refused names, timeouts and interruptions with the script's words", () => {
    expect(
      judge({
        ok: false,
        reason: 'interrupted',
        error: 'received SIGTERM',
        restoredAt: undefined,
        verifiedAt: undefined,
      }).failures[0],
    ).toEqual({ code: 'interrupted', message: 'the restore script was interrupted: received SIGTERM' });
    expect(judge({ ok: false, reason: 'scratch_name_refused', error: 'x' }).failures[0]?.message).toBe(
      'scratch database refused: x',
    );
  });
});

describe('formatDuration', () => {
  it('writes seconds, minutes, hours and long hours as a person would', () => {
    expect([42, 725, 3600, 4320, 86_400 + 1800].map(formatDuration)).toEqual([
      '42.0 s',
      '12 min 5 s',
      '1 h',
      '1 h 12 min',
      '24.5 h',
    ]);
  });
});

describe('parseDrillFacts', () => {
  const line = `VIGIL_DRILL_FACTS ${JSON.stringify(GOOD)}`;

  it('reads the last facts line after progress lines and psql noise', () => {
    const stdout = `[vigil-drill] 2026-12-06T03:00:05.001Z dump: x\nVIGIL_DRILL_FACTS {"ok":false}\n${line}\r\n`;
    expect(parseDrillFacts(stdout)).toEqual(GOOD);
  });

  it('says the output was cut when there is no facts line', () => {
    expect(() => parseDrillFacts('[vigil-drill] restoring\n')).toThrow(
      new DrillFactsError(
        "no VIGIL_DRILL_FACTS line in the restore script's output (24 characters): the script was killed before it finished, or the output was truncated",
      ),
    );
  });

  it('names the invalid field', () => {
    const bad = `VIGIL_DRILL_FACTS ${JSON.stringify({ ...GOOD, startedAt: '2026-12-06 03:00' })}`;
    expect(() => parseDrillFacts(bad)).toThrow(/^the VIGIL_DRILL_FACTS line is invalid at startedAt: /);
    expect(() => parseDrillFacts('VIGIL_DRILL_FACTS {"ok":tru')).toThrow(
      'the VIGIL_DRILL_FACTS line is not valid JSON: VIGIL_DRILL_FACTS {"ok":tru',
    );
  });
});
