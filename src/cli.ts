#!/usr/bin/env node
import { run } from './cli/main.js';

// The exit status tells how the switch went; a report that cannot be written does not change
// it. A reader gone early (`atomic-link -v ... | head`) is the reader's choice; anything else
// (a full disk behind `>`) is said on stderr, where it can be.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') {
    process.stderr.write(`atomic-link: cannot write to standard output: ${error.code}\n`);
  }
});
process.stderr.on('error', () => undefined);

process.exitCode = await run(process.argv.slice(2), process.argv[1]);
