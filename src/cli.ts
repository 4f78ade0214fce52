#!/usr/bin/env node
import { run } from './cli/main.js';

// The exit status tells how the switch went; a report that cannot be written does not change
// it. A reader gone early (`atomic-link -v ... | head`) is the reader's choice; anything else
// (a full disk behind `>`) is said on stderr, where it can be. The streams get their handlers
// as Node makes them, at their first use, not here: making them loads Node's streams (and
// net, for a pipe): 4 to 5 ms on pipes, 2 to 3 on files, that a run writing nothing never needs.
whenMade('stdout', (stdout) =>
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') {
      process.stderr.write(`atomic-link: cannot write to standard output: ${error.code}\n`);
    }
  }),
);
whenMade('stderr', (stderr) => stderr.on('error', () => undefined));

function whenMade(name: 'stdout' | 'stderr', ready: (stream: NodeJS.WriteStream) => void): void {
  const made = Object.getOwnPropertyDescriptor(process, name);
  const make = made?.get;
  if (make === undefined || made?.configurable !== true) {
    ready(process[name]);
    return;
  }
  let stream: NodeJS.WriteStream | undefined;
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable: made.enumerable,
    get() {
      if (stream === undefined) {
        stream = make.call(process) as NodeJS.WriteStream;
        ready(stream);
      }
      return stream;
    },
  });
}

process.exitCode = await run(process.argv.slice(2), process.argv[1]);
