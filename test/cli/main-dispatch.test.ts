/**
 * `main` hands `remediate` and `drill` their own arguments (their options mean nothing to the other
 * commands), wherever the global `--config` stands.
 */
import { describe, expect, it } from 'vitest';
import { commandWord, main, USAGE } from '../../lib/cli/main.ts';
import type { CliIo } from '../../lib/cli/terminal.ts';

function capture(): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      env: {},
    },
    out: () => out,
    err: () => err,
  };
}

describe('commandWord', () => {
  it('skips the global config option and its value', () => {
    expect(commandWord(['-c', 'remediate', 'drill', 'run'])).toEqual({ word: 'drill', index: 2 });
    expect(commandWord(['--config', 'x.ts', 'remediate', 'api'])).toEqual({ word: 'remediate', index: 2 });
    expect(commandWord(['--config=x.ts', 'check'])).toEqual({ word: 'check', index: 1 });
    expect(commandWord(['-h'])).toBeUndefined();
  });
});

describe('main dispatch', () => {
  it('gives `remediate --help` its own usage, not the global one', async () => {
    const { io, out } = capture();
    expect(await main(['remediate', '--help'], io)).toBe(0);
    expect(out()).toMatch(/^Usage: vigil remediate MONITOR \[--dry-run\]/);
  });

  it('gives `drill --help` its own usage', async () => {
    const { io, out } = capture();
    expect(await main(['drill', '--help'], io)).toBe(0);
    expect(out()).toMatch(/^usage: vigil drill run NAME/);
  });

  it('passes the global --config through to a self-parsing command', async () => {
    const { io, err } = capture();
    expect(await main(['--config', 'missing.config.ts', 'drill', 'history'], io)).toBe(2);
    expect(err()).toContain('drill history: expected run NAME or history NAME');
  });

  it('lists remediate and drill in the global help', () => {
    expect(USAGE).toContain('remediate MONITOR');
    expect(USAGE).toContain('drill run NAME');
    expect(USAGE).toContain('drill history NAME');
  });
});
