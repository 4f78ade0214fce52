import { randomBytes } from 'node:crypto';
import * as core from '@actions/core';

/**
 * Text that may come from a server or a container (a lock's holder, a link's text, an error's
 * note), made one log line the runner cannot take for a workflow command. The runner acts on a
 * line that starts with `::` after blanks, and on a legacy `##[command]` anywhere in a line;
 * a line break would start a line of the text's own. Text with any of these is shown as a JSON
 * string (one line, starting with a quote), its `##[` written `##\u005b`; other text as it is.
 */
function inertLine(text: string): string {
  if (!/[\r\n]|^\s*::|##\[/.test(text)) return text;
  return JSON.stringify(text).replace(/##\[/g, '##\\u005b');
}

/** Logs `text` as one inert line (see inertLine). */
export function infoInert(text: string): void {
  core.info(inertLine(text));
}

/**
 * Runs `work` with the runner's command processing stopped, so that whatever it copies into the
 * log as it comes (a container's output) cannot act as a command: between `::stop-commands::T`
 * and `::T::` no line is one. T is fresh and random, so that no text can end the block.
 */
export async function withCommandsStopped<T>(work: () => Promise<T>): Promise<T> {
  const token = randomBytes(16).toString('hex');
  core.info(`::stop-commands::${token}`);
  try {
    return await work();
  } finally {
    core.info(`::${token}::`);
  }
}
