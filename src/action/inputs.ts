import path from 'node:path';
import * as core from '@actions/core';
import { UsageError, parseSpecText } from '../engine/index.js';
import type { LinkSpec, ProbeMode, SwitchOptions } from '../engine/index.js';

export interface ActionSettings {
  specs: LinkSpec[];
  options: SwitchOptions;
}

/**
 * Reads and checks every input in one place, before anything is touched. Messages name the
 * input, and for `links` the offending line.
 */
export function getSettings(): ActionSettings {
  const workingDirectory = path.resolve(core.getInput('working-directory') || '.');
  const backup = core.getInput('backup-suffix');
  const relative = booleanInput('relative', false);
  const specs = parseSpecText(core.getInput('links', { required: true }), 'links').map((spec) => ({
    ...spec,
    relative: spec.relative || relative,
    backup: spec.backup ?? (backup || undefined),
  }));
  if (specs.length === 0) throw new UsageError('input "links" holds no link specs');
  return {
    specs,
    options: {
      cwd: workingDirectory,
      root: workingDirectory,
      allowDangling: booleanInput('allow-dangling', false),
      replaceFiles: booleanInput('replace-files', false),
      dryRun: booleanInput('dry-run', false),
      guard: booleanInput('guard', true),
      probe: probeInput(),
      lock: booleanInput('lock', true),
      lockTimeoutSeconds: secondsInput('lock-timeout', 60),
      fsync: booleanInput('fsync', true),
    },
  };
}

/** YAML 1.2 core schema booleans, as the runner's own getBooleanInput reads them. */
function booleanInput(name: string, fallback: boolean): boolean {
  const value = core.getInput(name);
  if (value === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new UsageError(`input "${name}" must be true or false, not ${JSON.stringify(value)}`);
}

function probeInput(): ProbeMode {
  const value = core.getInput('probe') || 'auto';
  if (value === 'auto') return 'auto';
  try {
    return booleanInput('probe', false) ? 'always' : 'never';
  } catch {
    throw new UsageError(`input "probe" must be auto, true or false, not ${JSON.stringify(value)}`);
  }
}

function secondsInput(name: string, fallback: number): number {
  const value = core.getInput(name);
  if (value === '') return fallback;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(
      `input "${name}" must be a positive number of seconds, not ${JSON.stringify(value)}`,
    );
  }
  return seconds;
}
