import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { ACTION, ROOT } from './tree.js';

/** The defaults action.yml declares, read from it as the runner does. */
function actionDefaults(): Record<string, string> {
  const action = YAML.parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));
  const inputs: [string, { default?: unknown }][] = Object.entries(action.inputs);
  return Object.fromEntries(
    inputs
      .filter(([, input]) => input.default !== undefined)
      .map(([name, input]) => [name, String(input.default)]),
  );
}

export interface StepResult {
  status: number | null;
  stdout: string;
  outputs: Record<string, string>;
  summary: string;
  runnerTemp: string;
}

/**
 * Runs dist/index.js the way the runner does: node, the workspace as cwd, INPUT_* variables;
 * under `wrapper` (strace, to hold a call), when given; `started` gets the process (to signal
 * it as the runner cancelling a job does).
 */
export function runStep(
  workspace: string,
  inputs: Record<string, string>,
  extraEnv: Record<string, string> = {},
  wrapper: string[] = [],
  started?: (child: ChildProcess) => void,
): Promise<StepResult> {
  const files = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-runner-'));
  const outputFile = path.join(files, 'output');
  const summaryFile = path.join(files, 'summary');
  fs.writeFileSync(outputFile, '');
  fs.writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: files,
    ...extraEnv,
  };
  for (const [name, value] of Object.entries({ ...actionDefaults(), ...inputs })) {
    env[`INPUT_${name.toUpperCase()}`] = value;
  }
  return new Promise((resolve) => {
    const [program, ...rest] = [...wrapper, process.execPath, ACTION];
    const child = spawn(program, rest, { cwd: workspace, env });
    started?.(child);
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stdout += chunk));
    child.on('close', (status) =>
      resolve({
        status,
        stdout,
        outputs: parseOutputs(fs.readFileSync(outputFile, 'utf8')),
        summary: fs.readFileSync(summaryFile, 'utf8'),
        runnerTemp: files,
      }),
    );
  });
}

/** Reads GITHUB_OUTPUT's `name<<DELIMITER` blocks. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const pattern = /^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const match of text.matchAll(pattern)) outputs[match[1]] = match[3];
  return outputs;
}
