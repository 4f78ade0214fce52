import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@actions/core';
import * as exec from '@actions/exec';
import {
  AtomicLinkError,
  InterruptedError,
  MissingLinkError,
  UpdateError,
  UsageError,
  describeError,
} from '../engine/index.js';
import type { LinkResult, LinkSpec, SwitchOptions, SwitchReport } from '../engine/index.js';
import { actionRoot } from '../platform/own-files.js';
import { atLastSignal, exitCodeOf, signalOfExitCode } from '../platform/stop-signals.js';
import type { JumpHost } from '../transport/ssh-config.js';
import type { RemoteSettings } from './inputs.js';
import { checkRoutes, sshTargets, withKeyFiles } from './key-files.js';
import type { KeyFiles } from './key-files.js';
import { withCommandsStopped } from './log-safety.js';
import pkg from '../../package.json' with { type: 'json' };

const PUBLISHED_REPOSITORY = 'ghcr.io/atomic-link/atomic-link';

/** Where the CLI takes a key's passphrase from. */
const PASSPHRASE_VARIABLE = 'ATOMIC_LINK_SSH_PASSPHRASE';

/** The files the Dockerfile copies (see .dockerignore): the image tag is a hash of them. */
function imageFiles(root: string): string[] {
  const copied = (file: string) =>
    /^(cli\.js|\d+\.cli\.js|guard-worker\.cjs|package\.json)$/.test(file);
  const dist = fs.readdirSync(path.join(root, 'dist')).filter(copied).sort();
  return ['Dockerfile', ...dist.map((file) => `dist/${file}`)];
}

/**
 * Switches the links on the remote host by running the CLI in the action's image: over SFTP,
 * unprivileged, or with `sshfs`, mounting `remote-path` (which needs FUSE in the container).
 * The key is mounted read-only from its 0600 file.
 */
export async function switchInContainer(
  specs: LinkSpec[],
  options: SwitchOptions,
  settings: RemoteSettings,
  keepBackups?: number,
): Promise<SwitchReport> {
  const own = settings.image === '' || settings.image === 'build';
  const image = own ? await ownImage(settings.network, settings.image === 'build') : settings.image;
  const stop = options.signal;
  if (stop?.aborted) {
    throw new InterruptedError(
      `stopped by ${stop.reason} before the container started; nothing was changed`,
      String(stop.reason),
    );
  }
  return withKeyFiles(settings, async (keys) => {
    // Over SFTP the container needs no privilege, and runs as the runner's user, who can read
    // the 0600 key; mounting with sshfs needs FUSE, and root in the container.
    const fuse = [
      '--device',
      '/dev/fuse',
      '--cap-add',
      'SYS_ADMIN',
      '--security-opt',
      'apparmor=unconfined',
    ];
    const user = settings.sshfs ? '0:0' : `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`;
    // The container reads this same file: a fault of it is named before any image runs.
    if (keys.config !== undefined) checkRoutes(sshTargets(settings, keys), keys);
    const name = `atomic-link-${randomBytes(8).toString('hex')}`;
    const args = [
      'run',
      '--rm',
      '-i',
      '--user',
      user,
      ...(settings.sshfs ? fuse : []),
      ...(settings.network ? ['--network', settings.network] : []),
      // Named, so that a stop is passed on to it, once: by us, not also by the docker client
      // (a Ctrl-C reaches the client too, and a second signal would stop the CLI at once).
      '--name',
      name,
      '--sig-proxy=false',
      // An init as pid 1 passes a signal on to the CLI whenever it comes: the kernel drops a
      // signal to a pid 1 without a handler, as the CLI is until its work starts.
      '--init',
      '-v',
      `${keys.dir}:/keys:ro`,
      // The value comes from the docker client's environment, never from its argv, which any
      // user of the machine can read.
      ...(settings.passphrase === undefined ? [] : ['-e', PASSPHRASE_VARIABLE]),
      image,
      ...cliArguments(options, settings, keys),
      ...historyArguments(specs, keepBackups),
      '--spec-file',
      '-',
    ];
    core.debug(`docker ${args.join(' ')}`);
    // A rollback's LINKs one a line, as --rollback reads them; a switch's specs as JSON.
    const input = specs[0]?.rollback
      ? specs.map((spec) => `${spec.link}\n`).join('')
      : JSON.stringify(specs.map(specObject));
    const env =
      settings.passphrase === undefined
        ? process.env
        : { ...process.env, [PASSPHRASE_VARIABLE]: settings.passphrase };
    const run = await withCommandsStopped(() => runContainer(name, args, env, input, stop));
    const document = parseDocument(run.stdout);
    // A report without an error: done, or stopped when the batch could only be finished (it
    // was, and the caller says so).
    if (document && !('error' in document)) return document;
    throw containerFailure(run.code, run.stderr, specs, document);
  });
}

interface ContainerRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the container and copies its stderr (the CLI's progress and messages) into the log as
 * it comes. A stop request is passed on to the CLI inside (`docker kill --signal`), which ends
 * its batch whole and exits 128+N; an exit that skips this (a second signal, a crash) removes
 * the container first, at once.
 */
async function runContainer(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  input: string,
  stop: AbortSignal | undefined,
): Promise<ContainerRun> {
  const child = spawn('docker', args, { stdio: 'pipe', env });
  const ended = new Promise<number>((resolve, reject) => {
    child.on('error', (error) =>
      reject(new UpdateError(`cannot run docker: ${describeError(error)}`)),
    );
    child.on('close', (code, signal) => resolve(code ?? exitCodeOf(signal ?? 'SIGKILL')));
  });
  const forget = atLastSignal(() => {
    spawnSync('docker', ['rm', '--force', name], { stdio: 'ignore' });
  });
  const passOn = () => void stopContainer(name, String(stop?.reason), ended);
  stop?.addEventListener('abort', passOn, { once: true });
  let stdout = '';
  let stderr = '';
  let line = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
    const lines = (line + text).split('\n');
    line = lines.pop() ?? '';
    for (const each of lines) core.info(each);
  });
  // The container may end before it reads its input.
  child.stdin.on('error', () => undefined).end(input);
  try {
    const code = await ended;
    if (line !== '') core.info(line);
    return { code, stdout, stderr };
  } finally {
    stop?.removeEventListener('abort', passOn);
    forget();
  }
}

/**
 * Passes `signal` on to the container: until it is delivered (the container may not exist yet,
 * or not run yet), or the run has ended.
 */
async function stopContainer(name: string, signal: string, ended: Promise<number>): Promise<void> {
  let running = true;
  void ended.finally(() => (running = false)).catch(() => undefined);
  core.info(`Passing ${signal} on to the container ${name}`);
  while (running && (await docker(['kill', `--signal=${signal}`, name])) !== 0) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What the CLI printed with --json: its report, or on a failure the error and its results. */
type CliDocument = SwitchReport | CliFailure;

interface CliFailure {
  results: LinkResult[] | null;
  error: { message: string; exitCode: number; notes: string[] };
}

function parseDocument(stdout: string): CliDocument | undefined {
  try {
    return JSON.parse(stdout) as CliDocument;
  } catch {
    return undefined;
  }
}

function cliArguments(options: SwitchOptions, settings: RemoteSettings, keys: KeyFiles): string[] {
  const [{ host, port }] = settings.hosts;
  const mounted = (file: string) => `/keys/${path.basename(file)}`;
  const args = [
    '--ssh',
    `${settings.user}@${host.includes(':') ? `[${host}]` : host}:${settings.remotePath}`,
    ...(port === undefined ? [] : ['--ssh-port', String(port)]),
    '--identity',
    mounted(keys.identity),
    '--known-hosts',
    mounted(keys.knownHosts),
    // Without a config of its own, the CLI reads none: the runner's files are not in the image.
    ...(keys.config === undefined ? [] : ['--ssh-config', mounted(keys.config)]),
    // `--jump=…`: a value is never taken for an option.
    ...settings.jump.map((hop) => `--jump=${jumpText(hop)}`),
    ...(keys.jumpIdentity === undefined ? [] : ['--jump-identity', mounted(keys.jumpIdentity)]),
    ...settings.hostKeyFingerprints.flatMap((print) => ['--host-key-fingerprint', print]),
    ...(settings.sshfs ? ['--sshfs'] : []),
    ...settings.sshfsOptions.flatMap((option) => ['--sshfs-option', option]),
    '-C',
    options.cwd,
    '--json',
    '--lock-timeout',
    String(options.lockTimeoutSeconds ?? 60),
  ];
  const flags: [boolean | undefined, string][] = [
    [options.allowDangling, '--allow-dangling'],
    [options.replaceFiles, '--replace-files'],
    [options.dryRun, '--dry-run'],
    [options.guard === false, '--no-guard'],
    [options.probe === 'always', '--probe'],
    [options.probe === 'never', '--no-probe'],
    [options.lock === false, '--no-lock'],
    [options.fsync === false, '--no-fsync'],
  ];
  for (const [on, flag] of flags) if (on) args.push(flag);
  return args;
}

/** --rollback with the suffix it looks for, or --keep-backups for `history`. */
function historyArguments(specs: LinkSpec[], keepBackups: number | undefined): string[] {
  const rollback = specs[0]?.rollback;
  if (rollback) return ['--rollback', `--suffix=${rollback.suffix}`];
  return keepBackups === undefined ? [] : [`--keep-backups=${keepBackups}`];
}

/** A jump host as `--jump` takes it: `[USER@]HOST[:PORT]`, an IPv6 HOST in brackets. */
function jumpText({ user, host, port }: JumpHost): string {
  const name = host.includes(':') ? `[${host}]` : host;
  return `${user === undefined ? '' : `${user}@`}${name}${port === undefined ? '' : `:${port}`}`;
}

/** The spec as a JSON spec-file object, which is what the CLI reads from stdin. */
function specObject(spec: LinkSpec) {
  const { link, target, type, relative, expect, backup } = spec;
  return { link, target, type, relative: relative ?? false, expect, backup };
}

/**
 * The CLI's own message and exit code, with "stdin item N" (a switch's JSON) or "stdin line N"
 * (a rollback's LINKs, one a line) named as the input line it came from;
 * an exit code of 128+N says it was stopped by signal N.
 * The message is the first line that is not progress: the lines after it are its notes (each
 * link left new, what could not be cleaned up), already in the log.
 */
function containerFailure(
  code: number,
  stderr: string,
  specs: LinkSpec[],
  document: CliDocument | undefined,
): AtomicLinkError {
  const failure = document && 'error' in document ? document : undefined;
  const error = makeFailure(code, stderr, specs, failure?.error.message);
  // Its notes are in the log already, with the rest of its stderr.
  if (failure?.results) error.results = failure.results;
  return error;
}

function makeFailure(
  code: number,
  stderr: string,
  specs: LinkSpec[],
  message: string | undefined,
): AtomicLinkError {
  const said = (
    message ??
    stderr
      .split('\n')
      .find((line) => line.startsWith('atomic-link: ') && !/switched \d+ of \d+ links$/.test(line))
      ?.slice('atomic-link: '.length)
  )?.replace(
    /stdin (?:item|line) (\d+)/g,
    (text, index: string) => specs[Number(index) - 1]?.origin ?? text,
  );
  const signal = signalOfExitCode(code);
  if (signal) {
    // Killed before its work began, or with SIGKILL: the CLI had no word to say.
    const stopped =
      `the container was stopped by ${signal} (exit ${code}): every link is old or new, but the ` +
      'batch may be part done; the next run breaks the lock and removes the temporary links';
    return new InterruptedError(said ?? stopped, signal);
  }
  if (said === undefined) {
    return new UpdateError(`docker run failed (exit ${code}): ${stderr.trim() || 'no message'}`);
  }
  if (code === 2) return new UsageError(said);
  if (code === 3) return new MissingLinkError(said);
  return new UpdateError(said);
}

/**
 * The published image of this very version of the action, pulled unless present; where it
 * cannot be pulled (an air-gapped runner), or `image: build` asks for it, the image is built
 * from the action's own Dockerfile instead. Says which it did.
 */
async function ownImage(network: string, build: boolean): Promise<string> {
  const published = `${process.env.ATOMIC_LINK_IMAGE_REPOSITORY || PUBLISHED_REPOSITORY}:${pkg.version}`;
  if (!build) {
    if ((await docker(['image', 'inspect', published])) === 0) {
      core.info(`Using the image ${published}`);
      return published;
    }
    if ((await docker(['pull', '--quiet', published])) === 0) {
      core.info(`Pulled the image ${published}`);
      return published;
    }
    core.info(`Could not pull ${published}: building the image from the action's Dockerfile`);
  }
  return builtImage(network);
}

const docker = (args: string[]) =>
  exec.exec('docker', args, { ignoreReturnCode: true, silent: true });

/** Builds the action's own image once per content hash; later runs reuse it. */
async function builtImage(network: string): Promise<string> {
  const root = actionRoot(import.meta.url);
  if (root === undefined) {
    throw new UpdateError(
      `cannot build the image: no action.yml above ${fileURLToPath(import.meta.url)}, so the ` +
        'action\'s Dockerfile cannot be found; name an image with input "image"',
    );
  }
  const hash = createHash('sha256');
  for (const file of imageFiles(root))
    hash.update(file).update(fs.readFileSync(path.join(root, file)));
  const tag = `atomic-link:${hash.digest('hex').slice(0, 16)}`;
  if ((await docker(['image', 'inspect', tag])) === 0) {
    core.info(`Using the image ${tag}, built from the action's Dockerfile`);
    return tag;
  }
  const base = process.env.ATOMIC_LINK_BASE_IMAGE;
  core.info(`Building the image ${tag} (once; later runs reuse it)`);
  await exec.exec('docker', [
    'build',
    ...(network ? ['--network', network] : []),
    ...(base ? ['--build-arg', `BASE_IMAGE=${base}`] : []),
    '--build-arg',
    `VERSION=${pkg.version}`,
    '-t',
    tag,
    root,
  ]);
  return tag;
}
