import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { UsageError, describeError, errnoCode } from '../engine/errors.js';
import { globMatch, patternListMatches } from './sftp/known-hosts.js';

// The OpenSSH client configuration for one host, resolved as OpenSSH 9.2's `ssh -G HOST` does,
// for the keywords that decide where a connection goes and how it logs in. Each keyword's first
// value wins; the command line's values come before any file's. Where ssh would need something
// this module does not do, it refuses with the file and line rather than guess:
// - `Match exec` is refused when its result would decide the block (ssh skips it once an
//   earlier criterion of the line failed, and so does this): no command of a config is run.
// - `CanonicalizeHostname yes|always` with `CanonicalDomains` is refused (it asks DNS for the
//   name); without domains it only re-reads the config (`Match canonical`), as ssh does.
// - `Include` patterns may hold `*` and `?`, not `[...]`; `~USER/` paths are refused; `Port`
//   takes a number, not a service name.
// Other keywords are not read: they do not change the server or the login, and ssh checks them.

/** What the command line gives: each wins over the config, as ssh's own options do. */
export interface SshRequest {
  /** HOST of `--ssh`, as written (an IPv6 address without brackets): what `Host` matches. */
  host: string;
  user?: string;
  port?: number;
  /** `--identity` files: tried before the config's, and no default key files are added. */
  identityFiles?: string[];
}

/** One hop of ProxyJump. */
export interface JumpHost {
  user?: string;
  host: string;
  port?: number;
}

/** A value and the config line it came from, `FILE line N`, for messages. */
export interface FromConfig<T> {
  value: T;
  source: string;
}

export type HostKeyChecking = 'yes' | 'no' | 'ask' | 'accept-new';

/** Where and how to connect to a host, as `ssh -G` resolves it; paths are expanded. */
export interface SshConfig {
  /** The host as given (ssh's `%n`). */
  host: string;
  /** The name to connect to: HostName with `%h` expanded, lower case unless an address. */
  hostname: string;
  user: string;
  port: number;
  /**
   * Key files in the order to try them: the command line's, then the config's, or ssh's
   * default ones when neither names any. They need not exist (ssh skips those silently).
   */
  identityFiles: string[];
  identitiesOnly: boolean;
  certificateFiles: string[];
  /** The agent socket to ask for keys, or none (IdentityAgent none, or no SSH_AUTH_SOCK). */
  identityAgent: string | undefined;
  /** The hops to pass through, the first one first; none when there are none. */
  proxyJump: JumpHost[];
  /** ProxyCommand as written (`%` tokens not expanded): the caller decides whether to run it. */
  proxyCommand: FromConfig<string> | undefined;
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  /** The name to look the host key up under instead of the host's (lower case). */
  hostKeyAlias: string | undefined;
  /** Seconds to wait for the connection; none: as long as the system waits. */
  connectTimeout: number | undefined;
  /** Seconds of silence before a keep-alive; 0: none. */
  serverAliveInterval: number;
  serverAliveCountMax: number;
  /** Set in the config (ssh's default is `ask`): a caller that always checks can say so. */
  strictHostKeyChecking: FromConfig<HostKeyChecking> | undefined;
  /** The config files read, in order. */
  files: string[];
}

/** A config file's text, owner and mode, as the reader found them with the file open. */
export interface ConfigText {
  text: string;
  uid: number;
  mode: number;
}

export interface ConfigReader {
  /** The file's content, or undefined when it does not exist; throws on other failures. */
  read(file: string): ConfigText | undefined;
  /** The names in a directory; none when it cannot be listed. */
  list(dir: string): string[];
}

/** What ssh takes from the user and the machine. */
export interface SshEnvironment {
  /** The passwd entry's home: `~` in paths, `%d`, `~/.ssh/config`. */
  home: string;
  /** $HOME: `~` in Include patterns, which ssh hands to glob(3), which reads $HOME. */
  envHome: string;
  localUser: string;
  /** The uid a config file may be owned by (besides root); below 0: no such check. */
  uid: number;
  /** gethostname(): `%l`, `%L`, `%C`. */
  localHost: string;
  env: NodeJS.ProcessEnv;
  /** /etc/ssh/ssh_config: read after the user's file, unless a file is named. */
  systemConfig: string;
  reader: ConfigReader;
}

export const DISK_READER: ConfigReader = {
  read(file) {
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return undefined;
      throw error;
    }
    try {
      // Owner and mode of the file read, not of what the name points to a moment later.
      const stat = fs.fstatSync(fd);
      const text = stat.isDirectory() ? '' : fs.readFileSync(fd, 'utf8');
      return { text, uid: stat.uid, mode: stat.mode };
    } finally {
      fs.closeSync(fd);
    }
  },
  list(dir) {
    try {
      return fs.readdirSync(dir);
    } catch {
      return [];
    }
  },
};

export function localSshEnvironment(): SshEnvironment {
  const me = passwdEntry();
  const home = me?.homedir ?? process.env.HOME ?? '/';
  return {
    home,
    envHome: process.env.HOME ?? home,
    localUser:
      me?.username ?? process.env.USER ?? process.env.LOGNAME ?? String(process.getuid?.()),
    uid: process.getuid?.() ?? -1,
    localHost: os.hostname(),
    env: process.env,
    systemConfig: '/etc/ssh/ssh_config',
    reader: DISK_READER,
  };
}

/**
 * This user's passwd entry, or undefined where there is none: a container run with
 * `--user "$(id -u)"` (as the action runs its image) has a uid its /etc/passwd does not name.
 * The environment's HOME and USER stand in then.
 */
function passwdEntry(): os.UserInfo<string> | undefined {
  try {
    return os.userInfo();
  } catch {
    return undefined;
  }
}

/**
 * Resolves `request.host` through the config: `configFile` as `ssh -F` takes it (`none`: no
 * file at all), or ~/.ssh/config then the system-wide file. Throws a UsageError naming the
 * file and line of anything it cannot follow.
 */
export function resolveSshConfig(
  request: SshRequest,
  configFile: string | undefined,
  environment: SshEnvironment = localSshEnvironment(),
): SshConfig {
  const options: Options = {
    user: request.user,
    port: request.port,
    identityFiles: (request.identityFiles ?? []).map((value) => ({
      value,
      source: '--identity',
      system: false,
    })),
    certificateFiles: [],
  };
  const reading: Reading = {
    options,
    environment,
    request,
    host: request.host,
    final: false,
    wantFinal: false,
    files: [],
  };
  readConfigs(reading, configFile);
  const canonicalize = options.canonicalizeHostname;
  if (canonicalize !== undefined && canonicalize.value !== 'no') {
    if (options.canonicalDomains !== undefined) {
      fail(
        canonicalize.source,
        `CanonicalizeHostname ${canonicalize.value} with CanonicalDomains asks DNS for the ` +
          `host's full name, which atomic-link does not do: give the full name in HostName`,
      );
    }
    reading.wantFinal = true;
  }
  const name = matchedHost(reading);
  const hostname = net.isIP(name) ? name : name.toLowerCase();
  if (reading.wantFinal) {
    // ssh's second reading: `Host` now matches the resolved name, `Match final` applies.
    options.hostname = { value: hostname, source: options.hostname?.source ?? request.host };
    readConfigs({ ...reading, host: hostname, final: true, files: [] }, configFile);
  }
  return settle(options, environment, request.host, hostname, reading.files);
}

interface Listed extends FromConfig<string> {
  /** From the system-wide file: ssh drops a repeated file only within the same kind. */
  system: boolean;
}

/** ssh's Options: what the lines read so far set; the first value set stays. */
interface Options {
  hostname?: FromConfig<string>;
  user?: string;
  port?: number;
  identityFiles: Listed[];
  certificateFiles: Listed[];
  identitiesOnly?: boolean;
  identityAgent?: FromConfig<string>;
  jump?: JumpHost[] | 'none';
  proxyCommand?: FromConfig<string>;
  userKnownHostsFiles?: FromConfig<string[]>;
  globalKnownHostsFiles?: FromConfig<string[]>;
  hostKeyAlias?: string;
  connectTimeout?: number;
  serverAliveInterval?: number;
  serverAliveCountMax?: number;
  strictHostKeyChecking?: FromConfig<HostKeyChecking>;
  canonicalizeHostname?: FromConfig<string>;
  canonicalDomains?: string[];
}

interface Reading {
  options: Options;
  environment: SshEnvironment;
  request: SshRequest;
  /** What `Host` lines match: the host as given, or the resolved name in the final pass. */
  host: string;
  final: boolean;
  /** A `Match final` or `canonical` was seen: ssh reads the config once more. */
  wantFinal: boolean;
  files: string[];
}

interface Place {
  file: string;
  /** A user's file (relative Include paths are under ~/.ssh), not the system-wide one. */
  user: boolean;
  /** Included from a block that does not apply: read for errors only. */
  neverMatch: boolean;
  depth: number;
}

interface Line {
  reading: Reading;
  place: Place;
  active: boolean;
  /** What follows the keyword, as written. */
  text: string;
  args: string[];
  source: string;
}

/** As deep as ssh follows Include. */
const MAX_INCLUDE_DEPTH = 16;
const DEFAULT_IDENTITIES = ['rsa', 'ecdsa', 'ecdsa_sk', 'ed25519', 'ed25519_sk', 'xmss', 'dsa'];
const DEFAULT_USER_KNOWN_HOSTS = ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'];
const DEFAULT_GLOBAL_KNOWN_HOSTS = ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];

function fail(source: string, message: string): never {
  throw new UsageError(`${source}: ${message}`);
}

function readConfigs(reading: Reading, configFile: string | undefined): void {
  const { environment } = reading;
  if (configFile?.toLowerCase() === 'none') return;
  if (configFile !== undefined) {
    let text: string | undefined;
    try {
      text = load(environment, configFile, false);
    } catch (error) {
      fail(`--ssh-config ${configFile}`, `cannot read it (${describeError(error)})`);
    }
    if (text === undefined) fail(`--ssh-config ${configFile}`, 'no such file');
    readFile(reading, { file: configFile, user: true, neverMatch: false, depth: 0 }, text, true);
    return;
  }
  // ssh passes over either file when it cannot open it, but refuses an unsafe user file.
  const defaults = [
    { file: path.join(environment.home, '.ssh', 'config'), user: true },
    { file: environment.systemConfig, user: false },
  ];
  for (const { file, user } of defaults) {
    let text: string | undefined;
    try {
      text = load(environment, file, user);
    } catch (error) {
      if (error instanceof UsageError) throw error;
    }
    if (text !== undefined)
      readFile(reading, { file, user, neverMatch: false, depth: 0 }, text, true);
  }
}

/**
 * A config file's text, or undefined when there is none. A `checked` file is refused, as ssh
 * refuses it, when another user than root owns it or others may write it: they could send
 * the connection elsewhere.
 */
function load(environment: SshEnvironment, file: string, checked: boolean): string | undefined {
  const content = environment.reader.read(file);
  if (content === undefined) return undefined;
  const { uid, mode } = content;
  const foreign = uid !== 0 && uid !== environment.uid;
  if (checked && environment.uid >= 0 && (foreign || (mode & 0o022) !== 0)) {
    throw new UsageError(
      `Bad owner or permissions on ${file} (owner uid ${uid}, mode ` +
        `${(mode & 0o777).toString(8).padStart(4, '0')}): ssh refuses a config file that ` +
        `another user owns or may write, and so does atomic-link (chown it, chmod go-w)`,
    );
  }
  return content.text;
}

function readFile(reading: Reading, place: Place, text: string, active: boolean): void {
  reading.files.push(place.file);
  text.split('\n').forEach((raw, index) => {
    active = readLine(reading, place, raw, active, `${place.file} line ${index + 1}`);
  });
}

/** Applies one line; returns whether the lines after it apply (Host and Match change it). */
function readLine(
  reading: Reading,
  place: Place,
  raw: string,
  active: boolean,
  source: string,
): boolean {
  const split = /^[ \t\r\n]*([^ \t\r\n=]*)[ \t\r\n]*(?:=[ \t\r\n]*)?(.*)$/s.exec(
    raw.replace(/[ \t\r\n\f]+$/, ''),
  );
  const [, word, text] = split ?? ['', '', ''];
  if (word === '' || word.startsWith('#')) return active;
  const keyword = word.toLowerCase();
  if (text === '') fail(source, `no argument after keyword "${word}"`);
  const line: Line = { reading, place, active, text, args: splitArguments(text, source), source };
  if (keyword === 'host') return !place.neverMatch && hostLineMatches(line);
  if (keyword === 'match') return matchLineMatches(line) && !place.neverMatch;
  if (Object.hasOwn(KEYWORDS, keyword)) KEYWORDS[keyword](line);
  return active;
}

/** ssh's argv_split: words split at blanks, quotes and backslash escapes, a `#` word ends it. */
function splitArguments(text: string, source: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === ' ' || text[i] === '\t') {
      i++;
      continue;
    }
    if (text[i] === '#') break;
    let arg = '';
    let quote = '';
    for (; i < text.length; i++) {
      const char = text[i];
      const next = text[i + 1];
      if (char === '\\' && (`'"\\`.includes(next ?? '-') || (!quote && next === ' '))) {
        arg += next;
        i++;
      } else if (!quote && (char === ' ' || char === '\t')) {
        break;
      } else if (!quote && (char === '"' || char === "'")) {
        quote = char;
      } else if (quote && char === quote) {
        quote = '';
      } else {
        arg += char;
      }
    }
    if (quote) fail(source, 'invalid quotes');
    args.push(arg);
  }
  return args;
}

/** `Host PATTERN...`: any pattern matches the host (case counts), and no `!PATTERN` does. */
function hostLineMatches(line: Line): boolean {
  let matched = false;
  for (const arg of line.args) {
    if (arg === '') fail(line.source, 'empty argument');
    const negated = arg.startsWith('!');
    if (!globMatch(negated ? arg.slice(1) : arg, line.reading.host, false)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** `Match CRITERIA`: ssh's match_cfg_line, without running `exec`. */
function matchLineMatches(line: Line): boolean {
  const { reading, args, source } = line;
  const { options, environment, request } = reading;
  let result = true;
  let attributes = 0;
  for (let i = 0; i < args.length; i++) {
    const negate = args[i].startsWith('!');
    const attribute = (negate ? args[i].slice(1) : args[i]).toLowerCase();
    if (attribute === 'all') {
      if (attributes > 1 || i + 1 < args.length) {
        fail(source, `'${args[i]}' cannot be combined with other Match attributes`);
      }
      return result && !negate;
    }
    attributes++;
    if (attribute === 'canonical' || attribute === 'final') {
      if (attribute === 'final') reading.wantFinal = true;
      if (reading.final === negate) result = false;
      continue;
    }
    const criteria = args[++i];
    if (criteria === undefined) fail(source, `missing Match criteria for ${attribute}`);
    let matched: boolean;
    if (attribute === 'host') {
      matched = patternListMatches(criteria, matchedHost(reading), true);
    } else if (attribute === 'originalhost') {
      matched = patternListMatches(criteria, request.host, true);
    } else if (attribute === 'user') {
      matched = patternListMatches(criteria, options.user ?? environment.localUser, false);
    } else if (attribute === 'localuser') {
      matched = patternListMatches(criteria, environment.localUser, false);
    } else if (attribute === 'exec') {
      // Not reached when an earlier criterion failed: ssh does not run it then either.
      if (!result || line.place.neverMatch) continue;
      fail(
        source,
        `Match exec cannot be followed: atomic-link runs no command from an ssh config, so ` +
          `it cannot tell whether this block applies to ${request.host}; put its settings in ` +
          `a Host block, or name a config file without it (--ssh-config FILE)`,
      );
    } else {
      fail(source, `unsupported Match attribute ${attribute}`);
    }
    if (matched === negate) result = false;
  }
  if (attributes === 0) fail(source, 'one or more attributes required for Match');
  return result;
}

/** What `Match host` compares: HostName so far with `%h` expanded, or the host as given. */
function matchedHost(reading: Reading): string {
  const { hostname } = reading.options;
  if (hostname === undefined) return reading.request.host;
  if (reading.final) return hostname.value;
  return substitute(hostname.value, { h: reading.request.host }, undefined, hostname.source);
}

const KEYWORDS: Record<string, (line: Line) => void> = {
  hostname: (line) => set(line, 'hostname', { value: single(line), source: line.source }),
  user: (line) => set(line, 'user', single(line)),
  port: (line) => {
    const arg = single(line);
    const port = parsePort(arg);
    if (port === undefined) fail(line.source, `bad port '${arg}' (a number from 1 to 65535)`);
    set(line, 'port', port);
  },
  identityfile: (line) => addFile(line, line.reading.options.identityFiles),
  certificatefile: (line) => addFile(line, line.reading.options.certificateFiles),
  identitiesonly: (line) => set(line, 'identitiesOnly', choice(line, FLAG)),
  identityagent: (line) => {
    const value = single(line);
    // As ssh checks it when reading, even in a block that does not apply.
    if (/^\$(?!\{)/.test(value) && !/^\$\w+$/.test(value)) {
      fail(line.source, `invalid environment name ${value}`);
    }
    substitute(value, undefined, line.reading.environment.env, line.source);
    set(line, 'identityAgent', { value, source: line.source });
  },
  proxyjump: (line) => {
    const text = rawArgument(line);
    const { options } = line.reading;
    // `none` as the whole text: with a comment after it, ssh reads it as a host named "none".
    if (text.toLowerCase() === 'none') {
      if (line.active) options.jump ??= 'none';
      return;
    }
    const hops = text
      .replace(/#.*/s, '')
      .trimEnd()
      .split(',')
      .map((spec) => parseJumpHost(spec, line.source));
    if (line.active && options.jump === undefined && options.proxyCommand === undefined) {
      options.jump = hops;
      // A later ProxyCommand is ignored, as ssh ignores it.
      options.proxyCommand = { value: 'none', source: line.source };
    }
  },
  proxycommand: (line) =>
    set(line, 'proxyCommand', { value: rawArgument(line), source: line.source }),
  userknownhostsfile: (line) => set(line, 'userKnownHostsFiles', fileList(line)),
  globalknownhostsfile: (line) => set(line, 'globalKnownHostsFiles', fileList(line)),
  hostkeyalias: (line) => set(line, 'hostKeyAlias', single(line)),
  connecttimeout: (line) => setTime(line, 'connectTimeout'),
  serveraliveinterval: (line) => setTime(line, 'serverAliveInterval'),
  serveralivecountmax: (line) => {
    const arg = single(line);
    if (!/^\d+$/.test(arg) || Number(arg) > 2 ** 31 - 1) {
      fail(line.source, `integer value '${arg}' is invalid`);
    }
    set(line, 'serverAliveCountMax', Number(arg));
  },
  stricthostkeychecking: (line) =>
    set(line, 'strictHostKeyChecking', { value: choice(line, STRICTNESS), source: line.source }),
  canonicalizehostname: (line) =>
    set(line, 'canonicalizeHostname', { value: choice(line, CANONICALIZE), source: line.source }),
  canonicaldomains: (line) => set(line, 'canonicalDomains', line.args),
  include,
};

const FLAG: Record<string, boolean> = { yes: true, true: true, no: false, false: false };
const STRICTNESS: Record<string, HostKeyChecking> = {
  yes: 'yes',
  true: 'yes',
  no: 'no',
  false: 'no',
  off: 'no',
  ask: 'ask',
  'accept-new': 'accept-new',
};
const CANONICALIZE: Record<string, string> = {
  yes: 'yes',
  true: 'yes',
  no: 'no',
  false: 'no',
  always: 'always',
};

/** Sets an option unless it was set before: the first value obtained wins. */
function set<K extends keyof Options>(line: Line, key: K, value: Options[K]): void {
  if (line.active && line.reading.options[key] === undefined) line.reading.options[key] = value;
}

/** The one argument a keyword takes. */
function single(line: Line): string {
  const [arg, extra] = line.args;
  if (arg === undefined || arg === '') fail(line.source, 'missing argument');
  if (extra !== undefined) fail(line.source, 'extra arguments at end of line');
  return arg;
}

function choice<T>(line: Line, values: Record<string, T>): T {
  const arg = single(line);
  if (!Object.hasOwn(values, arg.toLowerCase())) fail(line.source, `unsupported option "${arg}"`);
  return values[arg.toLowerCase()];
}

/** The rest of the line as written (ProxyCommand, ProxyJump): ssh does not split it. */
function rawArgument(line: Line): string {
  return line.text.replace(/^[ \t\r\n=]+/, '');
}

/** IdentityFile and CertificateFile add up, each file once. */
function addFile(line: Line, files: Listed[]): void {
  const value = single(line);
  const system = !line.place.user;
  if (!line.active || files.some((file) => file.value === value && file.system === system)) return;
  files.push({ value, source: line.source, system });
}

function fileList(line: Line): FromConfig<string[]> {
  for (const arg of line.args) {
    if (arg === '') fail(line.source, 'empty argument');
    if (arg.toLowerCase() === 'none' && line.args.length > 1) {
      fail(line.source, '"none" must appear alone');
    }
  }
  if (line.args.length === 0) fail(line.source, 'missing argument');
  return { value: line.args, source: line.source };
}

function setTime(line: Line, key: 'connectTimeout' | 'serverAliveInterval'): void {
  const arg = single(line);
  // ssh keeps `none` as "not set": a later line may still set it.
  if (arg === 'none') return;
  const seconds = parseTime(arg);
  if (seconds === undefined) fail(line.source, `invalid time value '${arg}'`);
  set(line, key, seconds);
}

const UNIT_SECONDS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** ssh's convtime: `90`, `1m30s`, `2h`… in seconds. */
function parseTime(text: string): number | undefined {
  if (!/^(?:\d+[smhdw])*\d*$/i.test(text) || text === '') return undefined;
  let total = 0;
  for (const [, count, unit] of text.matchAll(/(\d+)([smhdw]?)/gi)) {
    total += Number(count) * UNIT_SECONDS[unit.toLowerCase()];
  }
  return total <= 2 ** 31 - 1 ? total : undefined;
}

function parsePort(text: string): number | undefined {
  const port = /^\d+$/.test(text) ? Number(text) : 0;
  return port >= 1 && port <= 65535 ? port : undefined;
}

/**
 * `[USER@]HOST[:PORT]` (HOST may be `[IPv6]`) or `ssh://[USER@]HOST[:PORT]`: one hop of
 * ProxyJump, or of `ssh -J`. Throws a UsageError naming `source`.
 */
export function parseJumpHost(spec: string, source: string): JumpHost {
  const uri = spec.startsWith('ssh://');
  const text = uri ? spec.slice('ssh://'.length).replace(/\/$/, '') : spec;
  const at = uri ? text.indexOf('@') : text.lastIndexOf('@');
  let user = at < 0 ? undefined : text.slice(0, at);
  if (uri && user !== undefined) user = decodeUser(user.split(';')[0]);
  const match = /^(?:\[([^\]]*)\]|([^:/]*))(?:[:/](.*))?$/s.exec(text.slice(at + 1));
  const host = match?.[1] ?? match?.[2];
  const port = match?.[3] ? parsePort(match[3]) : undefined;
  if (user === '' || !host || (match?.[3] && port === undefined)) {
    fail(source, `invalid ProxyJump "${spec}"`);
  }
  return { host, ...(user === undefined ? {} : { user }), ...(port === undefined ? {} : { port }) };
}

function decodeUser(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return '';
  }
}

function include(line: Line): void {
  const { reading, place, source } = line;
  const { environment } = reading;
  if (line.args.length === 0) fail(source, 'missing argument');
  for (const arg of line.args) {
    if (arg === '') fail(source, 'empty argument');
    if (arg.startsWith('~') && !place.user) fail(source, `bad include path ${arg}`);
    const relative = !arg.startsWith('/') && !arg.startsWith('~');
    const under = place.user ? '~/.ssh' : path.dirname(environment.systemConfig);
    const pattern = tilde(relative ? `${under}/${arg}` : arg, environment.envHome, source);
    for (const file of glob(pattern, environment.reader, source)) {
      if (place.depth >= MAX_INCLUDE_DEPTH) fail(source, 'too many nested Include levels');
      let text: string | undefined;
      try {
        text = load(environment, file, true);
      } catch (error) {
        if (error instanceof UsageError) throw error;
        fail(source, `cannot read ${file} (${describeError(error)})`);
      }
      if (text === undefined) continue;
      const inner = { file, user: place.user, neverMatch: place.neverMatch || !line.active };
      // The included file starts in the including block's state, and cannot change it.
      readFile(reading, { ...inner, depth: place.depth + 1 }, text, line.active);
    }
  }
}

/** The paths a pattern names, sorted, as glob(3) lists them (missing files are dropped later). */
function glob(pattern: string, reader: ConfigReader, source: string): string[] {
  if (pattern.includes('[')) {
    fail(source, `Include ${pattern}: [...] patterns are not supported, only * and ?`);
  }
  let paths = [''];
  for (const segment of pattern.split('/').slice(1)) {
    if (!/[*?]/.test(segment)) {
      paths = paths.map((dir) => `${dir}/${segment}`);
      continue;
    }
    // A wildcard does not match a leading dot, as in a shell.
    const matches = (name: string) =>
      globMatch(segment, name, false) && (segment.startsWith('.') || !name.startsWith('.'));
    paths = paths.flatMap((dir) =>
      reader
        .list(dir || '/')
        .filter(matches)
        .map((name) => `${dir}/${name}`),
    );
  }
  return paths.sort();
}

function tilde(file: string, home: string, source: string): string {
  if (!file.startsWith('~')) return file;
  if (file !== '~' && !file.startsWith('~/')) {
    fail(source, `${file}: ~USER paths are not supported, write the path in full`);
  }
  return `${home.replace(/\/$/, '')}/${file.slice(1).replace(/^\/+/, '')}`;
}

/**
 * ssh's percent_expand and dollar_expand: `%x` from `tokens` (`%%` a percent sign), and when
 * `env` is given, `${NAME}` from the environment. Anything else with `%` is an error, as in ssh.
 */
function substitute(
  text: string,
  tokens: Record<string, string> | undefined,
  env: NodeJS.ProcessEnv | undefined,
  source: string,
): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (env && char === '$' && text[i + 1] === '{') {
      const end = text.indexOf('}', i + 2);
      const name = text.slice(i + 2, end);
      if (end < 0 || name === '') fail(source, `invalid environment variable in "${text}"`);
      const value = env[name];
      if (value === undefined) fail(source, `\${${name}} in "${text}" has no value`);
      out += value;
      i = end;
    } else if (tokens && char === '%') {
      const key = text[++i] ?? '';
      if (key !== '%' && !Object.hasOwn(tokens, key)) {
        fail(source, `unknown token %${key} in "${text}"`);
      }
      out += key === '%' ? '%' : tokens[key];
    } else {
      out += char;
    }
  }
  return out;
}

/** The options read, with ssh's defaults filled in and paths expanded as ssh expands them. */
function settle(
  options: Options,
  environment: SshEnvironment,
  host: string,
  hostname: string,
  files: string[],
): SshConfig {
  const { home, localHost, env } = environment;
  const user = options.user ?? environment.localUser;
  const port = options.port ?? 22;
  const hostKeyAlias = options.hostKeyAlias?.toLowerCase();
  const tokens: Record<string, string> = {
    C: createHash('sha1').update(`${localHost}${hostname}${port}${user}`).digest('hex'),
    L: localHost.split('.')[0],
    i: String(environment.uid),
    k: hostKeyAlias ?? host,
    l: localHost,
    n: host,
    p: String(port),
    d: home,
    h: hostname,
    r: user,
    u: environment.localUser,
  };
  const expand = ({ value, source }: FromConfig<string>) =>
    substitute(tilde(value, home, source), tokens, env, source);
  const each = (list: FromConfig<string[]>, one: (entry: FromConfig<string>) => string) =>
    list.value[0].toLowerCase() === 'none'
      ? []
      : list.value.map((value) => one({ value, source: list.source }));
  const defaults = (value: string[]) => ({ value, source: 'the defaults' });
  const identities: FromConfig<string>[] = options.identityFiles.length
    ? options.identityFiles
    : DEFAULT_IDENTITIES.map((kind) => ({ value: `~/.ssh/id_${kind}`, source: 'the defaults' }));
  const proxyCommand = options.proxyCommand;
  return {
    host,
    hostname,
    user,
    port,
    identityFiles: identities.filter((file) => file.value.toLowerCase() !== 'none').map(expand),
    identitiesOnly: options.identitiesOnly ?? false,
    certificateFiles: options.certificateFiles.map(expand),
    identityAgent: agentSocket(options.identityAgent && expand(options.identityAgent), env),
    proxyJump: Array.isArray(options.jump) ? options.jump : [],
    proxyCommand: proxyCommand?.value.toLowerCase() === 'none' ? undefined : proxyCommand,
    userKnownHostsFiles: each(
      options.userKnownHostsFiles ?? defaults(DEFAULT_USER_KNOWN_HOSTS),
      expand,
    ),
    // ssh expands only `~` in these.
    globalKnownHostsFiles: each(
      options.globalKnownHostsFiles ?? defaults(DEFAULT_GLOBAL_KNOWN_HOSTS),
      ({ value, source }) => tilde(value, home, source),
    ),
    hostKeyAlias,
    connectTimeout: options.connectTimeout || undefined,
    serverAliveInterval: options.serverAliveInterval ?? 0,
    serverAliveCountMax: options.serverAliveCountMax ?? 3,
    strictHostKeyChecking: options.strictHostKeyChecking,
    files,
  };
}

/**
 * The ProxyCommand to run for `config`, with the tokens ssh expands in it (`%h` the host name,
 * `%n` the host as given, `%p`, `%r`, `%%`); undefined when there is none. Anything else after
 * a `%` is refused with the config line, as ssh refuses it.
 */
export function proxyCommandLine(config: SshConfig): string | undefined {
  const { proxyCommand, hostname, host, port, user } = config;
  if (proxyCommand === undefined) return undefined;
  const tokens = { h: hostname, n: host, p: String(port), r: user };
  return substitute(proxyCommand.value, tokens, undefined, proxyCommand.source);
}

/** IdentityAgent as ssh takes it: `none`, `SSH_AUTH_SOCK` (the default), `$NAME`, or a path. */
function agentSocket(setting: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (setting === 'none') return undefined;
  if (setting === undefined || setting === 'SSH_AUTH_SOCK') return env.SSH_AUTH_SOCK || undefined;
  return setting.startsWith('$') ? env[setting.slice(1)] || undefined : setting;
}
