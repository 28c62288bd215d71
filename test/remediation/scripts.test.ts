import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type HostScriptName, hostScript, hostScriptLines } from '../../lib/remediation/scripts/index.ts';
import { type FakeHost, fakeHost } from './fake-host.ts';

/** The Go template the scripts hand `docker inspect`, as the fake docker logs it. */
const STATE = '--format {{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}';
const IMAGE = '--format {{.Config.Image}}';

let host: FakeHost;
let dir: string;

beforeEach(() => {
  host = fakeHost();
  dir = join(host.root, 'madef');
  mkdirSync(dir);
});
afterEach(() => host.cleanup());

function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1) ?? '';
}

// Ubuntu's /bin/sh is dash, Amazon Linux's is bash: every script runs under both.
describe.each(['sh', 'bash'])('host scripts under %s', (shell) => {
  function run(name: HostScriptName, values: Record<string, string>, env: Record<string, string> = {}) {
    const result = spawnSync(shell, ['-c', hostScript(name, values)], {
      env: host.env(env),
      encoding: 'utf8',
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  describe('compose-restart', () => {
    const values = () => ({
      DIRECTORY: dir,
      SERVICES: 'postgres app',
      COMPOSE: 'v2',
      HEALTHY_TIMEOUT_SECONDS: '30',
    });

    it('restarts postgres, waits until it is healthy, then restarts the app, all in the directory', () => {
      host.states('cid-postgres', ['running starting', 'running starting', 'running healthy']);
      // The app has no healthcheck: running is enough.
      host.states('cid-app', ['running ']);
      const result = run('compose-restart', values());
      expect(result.status).toBe(0);
      expect(host.calls()).toEqual(
        [
          'docker compose restart postgres',
          'docker compose ps -q postgres',
          `docker inspect ${STATE} cid-postgres`,
          'docker compose ps -q postgres',
          `docker inspect ${STATE} cid-postgres`,
          'docker compose ps -q postgres',
          `docker inspect ${STATE} cid-postgres`,
          'docker compose restart app',
          'docker compose ps -q app',
          `docker inspect ${STATE} cid-app`,
        ].map((command) => ({ cwd: dir, command })),
      );
      expect(lastLine(result.stdout)).toBe('vigil: compose-restart done: postgres app');
    });

    it('uses docker-compose for compose v1', () => {
      const result = run('compose-restart', { ...values(), SERVICES: 'worker', COMPOSE: 'v1' });
      expect(result.status).toBe(0);
      expect(host.commands()).toEqual([
        'docker-compose restart worker',
        'docker-compose ps -q worker',
        `docker inspect ${STATE} cid-worker`,
      ]);
    });

    it('stops at a failing restart: exit 3, nothing after it runs, and stdout names the service and why', () => {
      const result = run('compose-restart', values(), { FAKE_FAIL: 'docker compose restart postgres' });
      expect(result.status).toBe(3);
      expect(host.commands()).toEqual(['docker compose restart postgres']);
      expect(lastLine(result.stdout)).toBe(
        "vigil: FAILED: postgres: 'docker compose restart postgres' exited 1: fake failure: docker compose restart postgres",
      );
    });

    it('does not restart the app when postgres stays unhealthy past the timeout (exit 4)', () => {
      host.states('cid-postgres', ['running unhealthy']);
      const result = run('compose-restart', { ...values(), HEALTHY_TIMEOUT_SECONDS: '1' });
      expect(result.status).toBe(4);
      expect(host.commands()).not.toContain('docker compose restart app');
      expect(lastLine(result.stdout)).toBe(
        'vigil: FAILED: postgres is not healthy after 1s: cid-postgres is running, health unhealthy',
      );
    });

    it('fails when a service without a healthcheck exits', () => {
      host.states('cid-app', ['exited ']);
      const result = run('compose-restart', { ...values(), SERVICES: 'app', HEALTHY_TIMEOUT_SECONDS: '0' });
      expect(result.status).toBe(4);
      expect(lastLine(result.stdout)).toBe('vigil: FAILED: app is not healthy after 0s: cid-app is exited');
    });

    it('waits for every container of a scaled service, and fails when the service has none', () => {
      host.ids('worker', ['cid-w1', 'cid-w2']);
      host.states('cid-w2', ['running starting', 'running healthy']);
      expect(run('compose-restart', { ...values(), SERVICES: 'worker' }).status).toBe(0);
      expect(host.commands().filter((c) => c.startsWith('docker inspect'))).toEqual([
        `docker inspect ${STATE} cid-w1`,
        `docker inspect ${STATE} cid-w2`,
        `docker inspect ${STATE} cid-w1`,
        `docker inspect ${STATE} cid-w2`,
      ]);
      host.ids('worker', []);
      const none = run('compose-restart', { ...values(), SERVICES: 'worker', HEALTHY_TIMEOUT_SECONDS: '0' });
      expect(lastLine(none.stdout)).toBe(
        'vigil: FAILED: worker is not healthy after 0s:no running container',
      );
    });

    it('refuses a missing directory before running anything (exit 2)', () => {
      const result = run('compose-restart', { ...values(), DIRECTORY: join(dir, 'missing') });
      expect(result.status).toBe(2);
      expect(host.calls()).toEqual([]);
      expect(lastLine(result.stdout)).toBe(
        `vigil: FAILED: cannot cd to ${join(dir, 'missing')}: no such directory, or not readable`,
      );
    });

    it('refuses an empty parameter', () => {
      const result = run('compose-restart', { ...values(), SERVICES: '' });
      expect(result.status).toBe(2);
      expect(lastLine(result.stdout)).toBe('vigil: FAILED: parameter SERVICES is empty');
    });
  });

  describe('compose-rollback from git', () => {
    const values = (ref: 'tag' | 'commit') => ({
      DIRECTORY: dir,
      SERVICES: 'app',
      COMPOSE: 'v2',
      HEALTHY_TIMEOUT_SECONDS: '30',
      RELEASE_KIND: 'git',
      GIT_REF: ref,
    });
    const git = (args: string) => `git -c safe.directory=${dir} ${args}`;

    it('checks out the previous tag, rebuilds the services in order, and appends a release marker', () => {
      const result = run(
        'compose-rollback',
        { ...values('tag'), SERVICES: 'postgres app' },
        { FAKE_GIT_HEAD: 'v1.2', FAKE_GIT_PREV_TAG: 'v1.1' },
      );
      expect(result.status).toBe(0);
      expect(host.calls()).toEqual(
        [
          git('describe --tags --always HEAD'),
          git('describe --tags --abbrev=0 HEAD^'),
          git('checkout --quiet v1.1'),
          'docker compose up -d --build postgres',
          'docker compose ps -q postgres',
          `docker inspect ${STATE} cid-postgres`,
          'docker compose up -d --build app',
          'docker compose ps -q app',
          `docker inspect ${STATE} cid-app`,
        ].map((command) => ({ cwd: dir, command })),
      );
      expect(readFileSync(join(dir, '.vigil-releases'), 'utf8')).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\t\d{10}\trollback\tv1\.2\tv1\.1\tcompose postgres app\n$/,
      );
      expect(lastLine(result.stdout)).toBe('vigil: compose-rollback done: postgres app on v1.1');
    });

    it('checks out the previous commit (HEAD~1)', () => {
      const result = run('compose-rollback', values('commit'), {
        FAKE_GIT_HEAD: 'v1.2-3-gabc1234',
        FAKE_GIT_PARENT: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432',
      });
      expect(result.status).toBe(0);
      expect(host.commands().slice(0, 4)).toEqual([
        git('describe --tags --always HEAD'),
        git('rev-parse --verify --quiet HEAD~1'),
        git('checkout --quiet 9f8e7d6c5b4a39281706f5e4d3c2b1a098765432'),
        'docker compose up -d --build app',
      ]);
    });

    it('refuses when there is no earlier tag: exit 5, nothing checked out or restarted, no marker', () => {
      const result = run('compose-rollback', values('tag'), { FAKE_GIT_HEAD: 'v1.0' });
      expect(result.status).toBe(5);
      expect(host.commands()).toEqual([
        git('describe --tags --always HEAD'),
        git('describe --tags --abbrev=0 HEAD^'),
      ]);
      expect(existsSync(join(dir, '.vigil-releases'))).toBe(false);
      expect(lastLine(result.stdout)).toBe(
        `vigil: FAILED: no previous release: no tag before HEAD (v1.0) in ${dir}; nothing was changed`,
      );
    });

    it('refuses at the first commit', () => {
      const result = run('compose-rollback', values('commit'), { FAKE_GIT_HEAD: 'abc1234' });
      expect(result.status).toBe(5);
      expect(host.commands()).not.toContain(expect.stringContaining('checkout'));
      expect(lastLine(result.stdout)).toBe(
        `vigil: FAILED: no previous release: HEAD (abc1234) has no parent commit in ${dir}; nothing was changed`,
      );
    });

    it('stops when the checkout fails, before any service is touched', () => {
      const result = run('compose-rollback', values('tag'), {
        FAKE_GIT_HEAD: 'v1.2',
        FAKE_GIT_PREV_TAG: 'v1.1',
        FAKE_FAIL: git('checkout --quiet v1.1'),
      });
      expect(result.status).toBe(3);
      expect(host.commands().at(-1)).toBe(git('checkout --quiet v1.1'));
    });
  });

  describe('compose-rollback from an image tag', () => {
    const releaseLog = () => join(host.root, 'releases.log');
    const envFile = () => join(dir, '.env');
    const values = () => ({
      DIRECTORY: dir,
      SERVICES: 'app worker',
      COMPOSE: 'v2',
      HEALTHY_TIMEOUT_SECONDS: '30',
      RELEASE_KIND: 'image-tag',
      RELEASE_LOG: releaseLog(),
      ENV_FILE: '.env',
      VARIABLE: 'APP_IMAGE_TAG',
    });

    beforeEach(() => {
      writeFileSync(releaseLog(), '# deployed by CI, newest last\nsha-111\nsha-222\nsha-333\n');
      writeFileSync(envFile(), 'POSTGRES_PASSWORD=s3cret\nAPP_IMAGE_TAG=sha-333\nNODE_ENV=production\n', {
        mode: 0o600,
      });
    });

    it('writes the previous tag into the env file (keeping its other lines and mode) and ups the services', () => {
      const result = run('compose-rollback', values());
      expect(result.status).toBe(0);
      expect(readFileSync(envFile(), 'utf8')).toBe(
        'POSTGRES_PASSWORD=s3cret\nAPP_IMAGE_TAG=sha-222\nNODE_ENV=production\n',
      );
      expect(statSync(envFile()).mode & 0o777).toBe(0o600);
      expect(host.calls()).toEqual(
        [
          'docker compose up -d app',
          'docker compose ps -q app',
          `docker inspect ${STATE} cid-app`,
          'docker compose up -d worker',
          'docker compose ps -q worker',
          `docker inspect ${STATE} cid-worker`,
        ].map((command) => ({ cwd: dir, command })),
      );
      expect(readFileSync(join(dir, '.vigil-releases'), 'utf8')).toMatch(
        /\trollback\tsha-333\tsha-222\tcompose app worker\n$/,
      );
    });

    it('goes one release further back each time, then refuses with the env file untouched', () => {
      expect(run('compose-rollback', values()).status).toBe(0);
      expect(run('compose-rollback', values()).status).toBe(0);
      expect(readFileSync(envFile(), 'utf8')).toContain('APP_IMAGE_TAG=sha-111\n');
      const refused = run('compose-rollback', values());
      expect(refused.status).toBe(5);
      expect(lastLine(refused.stdout)).toBe(
        `vigil: FAILED: no previous release: ${releaseLog()} has no tag before sha-111; nothing was changed`,
      );
      expect(readFileSync(envFile(), 'utf8')).toContain('APP_IMAGE_TAG=sha-111\n');
      expect(readFileSync(join(dir, '.vigil-releases'), 'utf8').trimEnd().split('\n')).toHaveLength(2);
    });

    it('refuses a release log with a single release, changing nothing', () => {
      writeFileSync(releaseLog(), 'sha-333\n');
      const result = run('compose-rollback', values());
      expect(result.status).toBe(5);
      expect(host.calls()).toEqual([]);
      expect(readFileSync(envFile(), 'utf8')).toContain('APP_IMAGE_TAG=sha-333\n');
    });

    it('refuses when the release log does not exist', () => {
      const result = run('compose-rollback', { ...values(), RELEASE_LOG: join(host.root, 'none.log') });
      expect(result.status).toBe(5);
      expect(lastLine(result.stdout)).toBe(
        `vigil: FAILED: no previous release: the release log ${join(host.root, 'none.log')} does not exist; nothing was changed`,
      );
    });

    it('adds the variable when the env file lacks it, rolling back from the last logged tag', () => {
      writeFileSync(envFile(), 'NODE_ENV=production\n');
      expect(run('compose-rollback', values()).status).toBe(0);
      expect(readFileSync(envFile(), 'utf8')).toBe('NODE_ENV=production\nAPP_IMAGE_TAG=sha-222\n');
    });

    it('stops at the first service that does not come up', () => {
      const result = run('compose-rollback', values(), { FAKE_FAIL: 'docker compose up -d app' });
      expect(result.status).toBe(3);
      expect(host.commands()).toEqual(['docker compose up -d app']);
    });
  });

  describe('container-restart', () => {
    const values = { CONTAINER: 'nutri-backend', HEALTHY_TIMEOUT_SECONDS: '30' };

    it('restarts the container by name and waits until it is healthy', () => {
      host.states('nutri-backend', ['restarting ', 'running starting', 'running healthy']);
      const result = run('container-restart', values);
      expect(result.status).toBe(0);
      expect(host.commands()).toEqual([
        'docker restart nutri-backend',
        `docker inspect ${STATE} nutri-backend`,
        `docker inspect ${STATE} nutri-backend`,
        `docker inspect ${STATE} nutri-backend`,
      ]);
    });

    it('fails at once when docker restart fails', () => {
      const result = run('container-restart', values, { FAKE_FAIL: 'docker restart nutri-backend' });
      expect(result.status).toBe(3);
      expect(host.commands()).toEqual(['docker restart nutri-backend']);
      expect(lastLine(result.stdout)).toBe(
        "vigil: FAILED: nutri-backend: 'docker restart nutri-backend' exited 1: fake failure: docker restart nutri-backend",
      );
    });
  });

  describe('container-rollback', () => {
    const releaseLog = () => join(host.root, 'nutri', 'releases.log');
    const values = () => ({
      CONTAINER: 'nutri-backend',
      IMAGE: 'ghcr.io/acme/nutri-backend',
      RUN_ARGS: '-d --name nutri-backend --env-file /srv/nutri/.env -p 8000:8000',
      RELEASE_LOG: releaseLog(),
      HEALTHY_TIMEOUT_SECONDS: '30',
    });

    beforeEach(() => {
      mkdirSync(join(host.root, 'nutri'));
      writeFileSync(releaseLog(), 'sha-111\nsha-222\nsha-333\n');
    });

    it('pulls the previous tag, replaces the container with it, waits until healthy, and marks it', () => {
      host.image('nutri-backend', 'ghcr.io/acme/nutri-backend:sha-333');
      const result = run('container-rollback', values());
      expect(result.status).toBe(0);
      expect(host.commands()).toEqual([
        `docker inspect ${IMAGE} nutri-backend`,
        'docker pull ghcr.io/acme/nutri-backend:sha-222',
        'docker rm -f nutri-backend',
        'docker run -d --name nutri-backend --env-file /srv/nutri/.env -p 8000:8000 ghcr.io/acme/nutri-backend:sha-222',
        `docker inspect ${STATE} nutri-backend`,
      ]);
      expect(readFileSync(join(host.root, 'nutri', '.vigil-releases'), 'utf8')).toMatch(
        /\trollback\tsha-333\tsha-222\tcontainer nutri-backend\n$/,
      );
    });

    it('rolls back from the tag the container runs, not only the last line', () => {
      host.image('nutri-backend', 'ghcr.io/acme/nutri-backend:sha-222');
      expect(run('container-rollback', values()).status).toBe(0);
      expect(host.commands()).toContain('docker pull ghcr.io/acme/nutri-backend:sha-111');
    });

    it('leaves the running container alone when the pull fails', () => {
      host.image('nutri-backend', 'ghcr.io/acme/nutri-backend:sha-333');
      const result = run('container-rollback', values(), {
        FAKE_FAIL: 'docker pull ghcr.io/acme/nutri-backend:sha-222',
      });
      expect(result.status).toBe(3);
      expect(host.commands()).not.toContain('docker rm -f nutri-backend');
    });

    it('refuses when the container already runs the oldest tag', () => {
      host.image('nutri-backend', 'ghcr.io/acme/nutri-backend:sha-111');
      const result = run('container-rollback', values());
      expect(result.status).toBe(5);
      expect(host.commands()).toEqual([`docker inspect ${IMAGE} nutri-backend`]);
      expect(lastLine(result.stdout)).toBe(
        `vigil: FAILED: no previous release: ${releaseLog()} has no tag before sha-111; nothing was changed`,
      );
    });
  });
});

describe('the script text sent to the host', () => {
  it('has no literal {{ for SSM to mistake for a parameter, and no comment-only lines', () => {
    for (const name of [
      'compose-restart',
      'compose-rollback',
      'container-restart',
      'container-rollback',
    ] as const) {
      const lines = hostScriptLines(name);
      expect(lines.join('\n')).not.toContain('{{');
      expect(lines.filter((l) => /^\s*#/.test(l))).toEqual([]);
    }
  });
});
