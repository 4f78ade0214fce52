import * as core from '@actions/core';
import { describeResult, switchLinks } from '../engine/index.js';
import { getSettings } from './inputs.js';
import { publishReport } from './outputs.js';

/** The action's entry point: inputs in, links switched, outputs and summary out. */
export async function run(): Promise<void> {
  try {
    const settings = getSettings();
    const count = settings.specs.length;
    core.debug(`specs: ${JSON.stringify(settings.specs)}`);
    const report = await core.group(`Switching ${count} link${count === 1 ? '' : 's'}`, () =>
      switchLinks(settings.specs, {
        ...settings.options,
        onProgress: (done, total) => core.info(`switched ${done} of ${total} links`),
      }),
    );
    for (const result of report.results) core.info(describeResult(result, report.dryRun));
    if (report.guard) core.debug(`guard: ${JSON.stringify(report.guard)}`);
    await publishReport(report);
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}
