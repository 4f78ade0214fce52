import * as core from '@actions/core';
import { describeResult, switchLinks } from '../engine/index.js';
import { switchInContainer } from './container.js';
import { getSettings } from './inputs.js';
import { publishReport } from './outputs.js';

/** The action's entry point: inputs in, links switched, outputs and summary out. */
export async function run(): Promise<void> {
  try {
    const settings = getSettings();
    const count = settings.specs.length;
    core.debug(`specs: ${JSON.stringify(settings.specs)}`);
    const { specs, options, container } = settings;
    const where = container ? ` on ${container.host}:${container.remotePath}` : '';
    const report = await core.group(
      `Switching ${count} link${count === 1 ? '' : 's'}${where}`,
      () =>
        container
          ? switchInContainer(specs, options, container)
          : switchLinks(specs, {
              ...options,
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
