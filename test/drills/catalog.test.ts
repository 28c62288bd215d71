/**
 * The drill catalog and the one request every drill execution is started with, by the schedule and
 * by `vigil drill run`: document, parameters the documents declare, and the tags the sweep and
 * `vigil drill history` filter on.
 */
import { describe, expect, it } from 'vitest';
import {
  drillExecutionRequest,
  drillIncidentKey,
  drillTargetId,
  parseDrillCatalog,
} from '../../lib/drills/catalog.ts';
import { drillCatalog, drillNamed } from './drill-fixtures.ts';

describe('drill catalog', () => {
  it('lists each drill, the documents of the kinds in use and the game-day alarm', () => {
    expect(Object.keys(drillCatalog.drills)).toEqual(['madef-monthly', 'madef-s3', 'notif-rds']);
    expect(drillCatalog.documents).toEqual({
      'host-dump': 'vigil-ops-drill-host-dump',
      's3-dump': 'vigil-ops-drill-s3-dump',
      'rds-snapshot': 'vigil-ops-drill-rds-snapshot',
    });
    // No remediation on madef: the drilled backup monitor's own alarm.
    expect(drillCatalog.gameDayAlarms).toEqual({ 'madef-monthly': 'vigil-ops-madef-backups' });
  });

  it('survives its JSON round trip (vigil-drills.json)', () => {
    expect(parseDrillCatalog(JSON.stringify(drillCatalog))).toEqual(drillCatalog);
  });

  it('refuses a malformed catalog with the fix', () => {
    expect(() => parseDrillCatalog('')).toThrow(
      'VIGIL_DRILLS is empty: set it to JSON.stringify(buildDrillCatalog(config)), or ship vigil-drills.json beside the bundle',
    );
    expect(() => parseDrillCatalog('{"project":"ops"}')).toThrow(
      /VIGIL_DRILLS does not match the drill catalog/,
    );
  });
});

describe('drillExecutionRequest', () => {
  it('a dump drill: its document, Drill, InstanceId, ExecutionTimeout (2 x RTO + 5 min) and both tags', () => {
    expect(drillExecutionRequest(drillCatalog, 'madef-s3')).toEqual({
      DocumentName: 'vigil-ops-drill-s3-dump',
      Parameters: { Drill: ['madef-s3'], InstanceId: ['i-0aaaaaaaaaaaaaaa1'], ExecutionTimeout: ['3900'] },
      Tags: [
        { Key: 'vigil:drill-name', Value: 'madef-s3' },
        { Key: 'vigil:target:drill/madef-s3', Value: 'madef-s3' },
      ],
    });
  });

  it('an RDS drill: the source instance and where the scratch instance goes', () => {
    expect(drillExecutionRequest(drillCatalog, 'notif-rds')).toEqual({
      DocumentName: 'vigil-ops-drill-rds-snapshot',
      Parameters: {
        Drill: ['notif-rds'],
        SourceInstance: ['notif-db'],
        InstanceClass: ['db.t4g.micro'],
        SubnetGroup: ['private-db'],
        SecurityGroups: ['sg-0abc1234'],
        VerifyInstance: ['i-0fedcba9876543210'],
      },
      Tags: [
        { Key: 'vigil:drill-name', Value: 'notif-rds' },
        { Key: 'vigil:target:drill/notif-rds', Value: 'notif-rds' },
      ],
    });
  });

  it('names the drills when asked for one that does not exist', () => {
    expect(() => drillExecutionRequest(drillCatalog, 'nope')).toThrow(
      'no drill "nope" in the catalog; drills: madef-monthly, madef-s3, notif-rds',
    );
  });

  it('target id and incident key', () => {
    expect(drillTargetId('madef-monthly')).toBe('drill/madef-monthly');
    expect(drillIncidentKey('ops', drillNamed('madef-monthly'))).toBe('vigil/ops/madef/drill/madef-monthly');
  });
});
