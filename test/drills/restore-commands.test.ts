import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Drill } from '../../lib/drills/model.ts';
import {
  namePatternToEre,
  RESTORE_SCRIPT,
  restoreCommands,
  restoreEnvironment,
  restoreTimeoutSeconds,
  scratchDatabaseName,
  shellQuote,
} from '../../lib/drills/restore-script.ts';

const MADEF: Drill = {
  name: 'MAdef host',
  monitor: 'madef-backups',
  service: 'madef',
  target: {
    kind: 'host-dump',
    directory: '/opt/madef/backups',
    pattern: 'madef_{YYYYMMDD}_{HHMMSS}.sql.gz',
    instance: 'i-0123456789abcdef0',
    psql: 'docker compose -f /opt/madef/docker-compose.yml exec -T postgres psql -U madef',
  },
  queries: [
    {
      name: 'Paciente rows',
      sql: `SELECT count(*) FROM "Paciente" WHERE nome <> '{{ x }}' -- $HOME \`id\``,
      min: 5,
    },
  ],
  freshnessSql: 'SELECT max(updated_at) FROM "Avaliacao"',
  rtoMinutes: 60,
  rpoHours: 24,
  schedule: 'cron(0 3 ? * SUN#1 *)',
  timeZone: 'UTC',
  severity: 'P2',
  gameDay: false,
};

describe('restoreCommands', () => {
  it('exports every input shell-quoted, SQL in base64, then execs the script with bash', () => {
    const commands = restoreCommands(MADEF);
    const exports = commands.slice(
      0,
      commands.findIndex((c) => c.startsWith('exec bash -c ')),
    );
    expect(exports).toEqual([
      "export VIGIL_DUMP_SOURCE='/opt/madef/backups'",
      "export VIGIL_PSQL='docker compose -f /opt/madef/docker-compose.yml exec -T postgres psql -U madef'",
      "export VIGIL_SCRATCH_DB='vigil_drill_madef_host'",
      "export VIGIL_DUMP_PATTERN='madef_{YYYYMMDD}_{HHMMSS}.sql.gz'",
      "export VIGIL_DUMP_NAME_RE='^madef_([0-9]{8})_([0-9]{6})\\.sql\\.gz$'",
      "export VIGIL_DUMP_NAME_FIELDS='YYYYMMDD HHMMSS'",
      "export VIGIL_DUMP_NAME_GLOB='madef_*_*.sql.gz'",
      "export VIGIL_TIMEOUT_SECONDS='7200'",
      "export VIGIL_QUERY_COUNT='1'",
      `export VIGIL_QUERY_1_NAME_B64='${Buffer.from('Paciente rows').toString('base64')}'`,
      `export VIGIL_QUERY_1_SQL_B64='${Buffer.from(MADEF.queries[0]?.sql ?? '').toString('base64')}'`,
      "export VIGIL_QUERY_1_MIN='5'",
      `export VIGIL_FRESHNESS_SQL_B64='${Buffer.from('SELECT max(updated_at) FROM "Avaliacao"').toString('base64')}'`,
    ]);
    expect(commands[exports.length]).toBe("exec bash -c '#!/usr/bin/env bash");
    expect(commands.at(-1)).toBe("' restore-dump.sh");
    expect(commands.length).toBe(exports.length + RESTORE_SCRIPT.split('\n').length);
  });

  it('never gives SSM a {{ to expand, even when the SQL holds one', () => {
    expect(restoreCommands(MADEF).join('\n')).not.toContain('{{');
  });

  it('hands bash the script text unchanged, quotes and all', () => {
    // sh parses the commands exactly as Run Command's sh would; `printf` stands in for bash.
    const lines = restoreCommands(MADEF).map((l) =>
      l.startsWith('exec bash -c ') ? l.replace('exec bash -c ', 'printf %s ') : l,
    );
    const out = execFileSync('sh', ['-c', lines.join('\n').replace(/ restore-dump\.sh$/, '')], {
      encoding: 'utf8',
    });
    expect(out).toBe(RESTORE_SCRIPT);
  });

  it('takes an S3 source as s3://bucket/prefix with the pattern', () => {
    const env = restoreEnvironment({
      ...MADEF,
      target: {
        kind: 's3-dump',
        bucket: 'acme-db-backups',
        prefix: 'madef/',
        pattern: 'madef_{YYYY}-{MM}-{DD}T{HH}{mm}.sql.gz',
        instance: 'i-0123456789abcdef0',
        psql: 'sudo -u postgres psql',
      },
    });
    expect(env).toMatchObject({
      VIGIL_DUMP_SOURCE: 's3://acme-db-backups/madef/',
      VIGIL_PSQL: 'sudo -u postgres psql',
      VIGIL_DUMP_NAME_RE: '^madef_([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2})([0-9]{2})\\.sql\\.gz$',
      VIGIL_DUMP_NAME_FIELDS: 'YYYY MM DD HH mm',
    });
  });

  it('refuses an rds-snapshot drill without a dump and psql of its own, saying what to give', () => {
    const rds: Drill = {
      ...MADEF,
      target: {
        kind: 'rds-snapshot',
        sourceInstance: 'notifications-db',
        instanceClass: 'db.t4g.micro',
        subnetGroup: 'private',
        securityGroups: ['sg-0123'],
        verifyInstance: 'i-0123456789abcdef0',
        password: { secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db' } as never,
        user: 'postgres',
        database: 'notifications',
      },
    };
    expect(() => restoreCommands(rds)).toThrow(
      'restoreCommands: an rds-snapshot drill restores a snapshot into an instance, not a dump; give options.source (a dump file or s3:// URI) and options.psql to restore a dump instead',
    );
    expect(restoreEnvironment(rds, { source: '/tmp/x.sql.gz', psql: 'psql' }).VIGIL_DUMP_SOURCE).toBe(
      '/tmp/x.sql.gz',
    );
  });

  it('names the drill and the fix for an invalid pattern', () => {
    expect(() => restoreCommands(MADEF, { pattern: 'madef_*.sql.gz' })).toThrow(
      'drill MAdef host: pattern "madef_*.sql.gz": "*" at character 7 is a glob character, not a placeholder; write {*} for any text',
    );
  });
});

describe('helpers', () => {
  it('names scratch databases with the prefix, lower case, at most 63 characters', () => {
    expect(scratchDatabaseName('MAdef host-dump')).toBe('vigil_drill_madef_host_dump');
    expect(scratchDatabaseName('x'.repeat(80))).toHaveLength(63);
  });

  it('gives the script twice the RTO', () => {
    expect(restoreTimeoutSeconds({ rtoMinutes: 60 })).toBe(7200);
  });

  it('quotes for sh whatever the text holds', () => {
    const text = `it's "$HOME" \`id\` \\ {{ x }}`;
    expect(execFileSync('sh', ['-c', `printf %s ${shellQuote(text)}`], { encoding: 'utf8' })).toBe(text);
  });

  it('compiles a pattern with {*} and regex metacharacters to an ERE bash matches', () => {
    const { re, fields } = namePatternToEre('db+{*}.{YYYYMMDD}(x).gz');
    expect(fields).toBe('ANY YYYYMMDD');
    const match = (name: string) =>
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a bash expansion, not a template
      execFileSync('bash', ['-c', '[[ $1 =~ $2 ]] && printf %s "${BASH_REMATCH[2]}"', '_', name, re], {
        encoding: 'utf8',
      }).toString();
    expect(match('db+prod.20261203(x).gz')).toBe('20261203');
    expect(() => match('dbbprod.20261203(x).gz')).toThrow();
  });
});
