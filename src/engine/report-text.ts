import type { LinkResult } from './types.js';

/** What happened to one link, in the words every front end uses. */
export function resultStatus(result: LinkResult, dryRun: boolean): string {
  if (!result.changed) return 'unchanged';
  return dryRun ? 'would switch' : 'switched';
}

/** `switched: "current" -> "releases/v2" (was "releases/v1")`, one line per link. */
export function describeResult(result: LinkResult, dryRun: boolean): string {
  const arrow = result.type === 'symbolic' ? '->' : '=>';
  const was = result.previous === null ? '' : ` (was ${JSON.stringify(result.previous)})`;
  return (
    `${resultStatus(result, dryRun)}: ${JSON.stringify(result.link)} ${arrow} ` +
    `${JSON.stringify(result.target)}${was}`
  );
}
