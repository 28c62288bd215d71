#!/usr/bin/env node
// The `vigil` launcher. It registers tsx so the CLI and the user's vigil.config.ts run as TypeScript
// without a build step, then hands over to lib/cli/main.ts. Works on Node 20.6+ and 22.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../lib/cli/main.ts');

let code = 3;
for (const stream of [process.stdout, process.stderr]) {
  // `vigil check | head -1` closes the pipe early: not an error worth a stack trace.
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(code);
    throw error;
  });
}
code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
// Exit explicitly (idle keep-alive sockets must not hold the process), after output is flushed:
// pipes are asynchronous on some platforms.
await Promise.all(
  [process.stdout, process.stderr].map((s) => new Promise((resolve) => s.write('', resolve))),
);
process.exit(code);
