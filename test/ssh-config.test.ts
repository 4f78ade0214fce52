import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../lib/engine/errors.js';
import { DISK_READER, resolveSshConfig } from '../lib/transport/ssh-config.js';
import type {
  JumpHost,
  SshConfig,
  SshEnvironment,
  SshRequest,
} from '../lib/transport/ssh-config.js';
import { TEST_USER, ensureTestUser } from './helpers/faults.js';

// The installed OpenSSH client is the oracle: `ssh -G -F FILE HOST` prints what it resolved.
// It prints IdentityFile and CertificateFile as written, so those come from `ssh -v` instead,
// which names each file, expanded, as it loads it (a ProxyCommand that exits at once stops it
// right after). ssh takes `~` and `%d` from the passwd entry, and Include's `~` from $HOME:
// HOME is a temporary directory here, so included files live there.

const ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-ssh-config-'));
const HOME = path.join(ROOT, 'home');
const ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME,
  SSH_AUTH_SOCK: '/run/user/agent.sock',
  DEPLOY_AGENT: '/run/deploy-agent.sock',
  KEYDIR: '/srv/keys',
};
const ME = os.userInfo();

function write(file: string, text: string, mode = 0o644): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  fs.chmodSync(file, mode);
  return file;
}

const MAIN = write(
  path.join(ROOT, 'main.conf'),
  `# Deploy targets
Include config.d/*.conf

Host web1 web2
    HostName %h.prod.example.com
    User deploy
    IdentityFile ~/.ssh/deploy_%h
    IdentitiesOnly yes

Host db-* !db-legacy
    HostName %h.internal
    ProxyJump bastion,ops@jump2.example.com:2222
    Port 2200

Host db-legacy
    ProxyCommand ssh -W %h:%p old-bastion   # kept as written

Host bastion
    HostName bastion.example.com
    User=ops
    Port = 2022
    IdentityFile="/srv/keys/bastion key"
    IdentityAgent SSH_AUTH_SOCK

Host alias-*
    HostName 10.0.0.5
    HostKeyAlias Alias-Key
    UserKnownHostsFile ~/.ssh/known_hosts.d/%k /etc/ssh/known_%h

Match originalhost staging* user deploy
    IdentityFile %d/.ssh/staging_%r
Match host *.internal
    ServerAliveInterval 15
    ServerAliveCountMax 5
Match localuser ${ME.username} host web*
    ConnectTimeout 1m30s
Match all
    IdentityFile ~/.ssh/id_%u_%p

Host *
    User fallback
    StrictHostKeyChecking accept-new
    IdentityAgent ~/.ssh/agent.sock
    IdentityFile ~/.ssh/id_%u_%p
    CertificateFile ~/.ssh/%r-cert.pub
    GlobalKnownHostsFile /etc/ssh/ssh_known_hosts ~/.ssh/global_known_hosts
`,
);
write(
  path.join(HOME, '.ssh', 'config.d', '10-staging.conf'),
  `Host staging*
    HostName staging.example.net
    User deploy
    IdentityAgent none
    StrictHostKeyChecking no
`,
);
write(
  path.join(HOME, '.ssh', 'config.d', '20-agents.conf'),
  `Host agent-*
    IdentityAgent $DEPLOY_AGENT
Host agentpath
    IdentityAgent \${KEYDIR}/agent-%h.sock
    ConnectTimeout 0
`,
);
// Not a *.conf: the glob leaves it out.
write(path.join(HOME, '.ssh', 'config.d', 'README'), 'Host *\n    User never\n');

const TOKENS = write(
  path.join(ROOT, 'tokens.conf'),
  `Host tok
  HostName Target.Example.ORG
  User builder
  Port 2345
  IdentityFile ~/.ssh/%h/%r@%l
  IdentityFile %d/keys/%u-%p-%n-%L-%i
  IdentityFile ~/.ssh/%C
  CertificateFile \${KEYDIR}/%k.pub
  UserKnownHostsFile %d/.ssh/kh_%h_%p ~/.ssh/kh_%%
  UserKnownHostsFile ~/.ssh/never
  GlobalKnownHostsFile none
  ServerAliveInterval 2m
`,
);

// `Match final` makes ssh read the config again, `Host` now matching the resolved name.
const FINAL = write(
  path.join(ROOT, 'final.conf'),
  `Host short
  HostName Short.Example.COM
Match final host short.example.com
  User finaluser
Host short.example.com
  Port 2022
Match canonical
  IdentityFile ~/.ssh/final_key
`,
);

const PROXY = write(
  path.join(ROOT, 'proxy.conf'),
  `Host jumpfirst
  ProxyJump jump1
Host commandfirst
  ProxyCommand nc %h %p
Host jumpnone
  ProxyJump none
Host commandnone
  ProxyCommand none
Host jumpuri
  ProxyJump plain,ssh://u1@b1:2200
Host jumpv6
  ProxyJump u2@[::1]:23
Host jumpip
  ProxyJump 10.1.2.3:2222
Host *
  ProxyJump later
  ProxyCommand nc later %p
`,
);

// An `exec` that ssh never runs, because an earlier criterion of its line failed.
const EXEC_SKIPPED = write(
  path.join(ROOT, 'exec-skipped.conf'),
  `Match host elsewhere exec "false"
  User nobody
Match !host exechost exec "true"
  User nobody
Host exechost
  User fine
`,
);

interface Case {
  config: string;
  host: string;
  user?: string;
  port?: number;
  identities?: string[];
}

const CLI_KEY = write(path.join(ROOT, 'cli key'), 'not a key\n', 0o600);
const CASES: Case[] = [
  { config: MAIN, host: 'web1' },
  { config: MAIN, host: 'web2', user: 'admin' },
  { config: MAIN, host: 'db-primary' },
  { config: MAIN, host: 'db-legacy' },
  { config: MAIN, host: 'bastion' },
  { config: MAIN, host: 'alias-one' },
  { config: MAIN, host: 'staging1' },
  { config: MAIN, host: 'staging2', port: 2222, identities: [CLI_KEY] },
  { config: MAIN, host: 'agent-x' },
  { config: MAIN, host: 'agentpath' },
  { config: MAIN, host: 'Web1' },
  { config: MAIN, host: 'elsewhere.example.org' },
  { config: TOKENS, host: 'tok' },
  { config: TOKENS, host: 'tok', user: 'other', port: 2200 },
  { config: FINAL, host: 'short' },
  { config: EXEC_SKIPPED, host: 'exechost' },
  { config: 'none', host: 'plain.example.com' },
  ...['jumpfirst', 'commandfirst', 'jumpnone', 'commandnone', 'jumpuri', 'jumpv6', 'jumpip'].map(
    (host) => ({ config: PROXY, host }),
  ),
];

function runSsh(args: string[]) {
  const run = spawnSync('ssh', args, { env: ENV, encoding: 'utf8', input: '', timeout: 20000 });
  if (run.error) throw run.error;
  return run;
}

function cliArgs(c: Case): string[] {
  return [
    ...(c.user ? ['-l', c.user] : []),
    ...(c.port ? ['-p', String(c.port)] : []),
    ...(c.identities ?? []).flatMap((file) => ['-i', file]),
  ];
}

interface Oracle {
  settings: Map<string, string[]>;
  identities: string[];
  certificates: string[];
}

function askSsh(c: Case): Oracle {
  const shown = runSsh(['-G', '-F', c.config, ...cliArgs(c), c.host]);
  expect(shown.status).toBe(0);
  const settings = new Map<string, string[]>();
  for (const line of shown.stdout.split('\n')) {
    const [key, ...words] = line.split(' ');
    if (key) settings.set(key, [...(settings.get(key) ?? []), words.join(' ')]);
  }
  const loaded = runSsh([
    '-v',
    '-F',
    c.config,
    '-o',
    'ProxyCommand=false',
    '-o',
    'BatchMode=yes',
    ...cliArgs(c),
    c.host,
  ]);
  const named = (kind: string) =>
    [...loaded.stderr.matchAll(new RegExp(`^debug1: ${kind} file (.*) type -?\\d+$`, 'gm'))].map(
      (match) => match[1],
    );
  // ssh also tries FILE-cert after each key when no CertificateFile is given.
  const identities = named('identity').filter((file, i, all) => file !== `${all[i - 1]}-cert`);
  expect(identities.length).toBeGreaterThan(0);
  return { settings, identities, certificates: named('certificate') };
}

function setting(oracle: Oracle, key: string): string | undefined {
  return oracle.settings.get(key)?.[0];
}

/** `ssh -G` shows where ~/.ssh/known_hosts is, expanded: the home ssh uses for `~`. */
function oracleHome(): string {
  const shown = runSsh(['-G', '-F', 'none', 'x']).stdout;
  const known = /^userknownhostsfile (\S+)\/\.ssh\/known_hosts /m.exec(shown);
  if (!known) throw new Error(`no userknownhostsfile in ssh -G:\n${shown}`);
  return known[1];
}

function environment(overrides: Partial<SshEnvironment> = {}): SshEnvironment {
  return {
    home: SSH_HOME,
    envHome: HOME,
    localUser: ME.username,
    uid: process.getuid!(),
    localHost: os.hostname(),
    env: ENV,
    systemConfig: path.join(ROOT, 'no-system-config'),
    reader: DISK_READER,
    ...overrides,
  };
}

function resolve(c: Case): SshConfig {
  const request: SshRequest = {
    host: c.host,
    user: c.user,
    port: c.port,
    identityFiles: c.identities,
  };
  return resolveSshConfig(request, c.config, environment());
}

/** A hop as `ssh -G` prints the last one (the others it prints as written). */
function formatHop(hop: JumpHost): string {
  const numeric = hop.host.includes(':') || /^[\d.]+$/.test(hop.host);
  return (
    (hop.user ? `${hop.user}@` : '') +
    (numeric ? `[${hop.host}]` : hop.host) +
    (hop.port ? `:${hop.port}` : '')
  );
}

/** IdentityAgent as ssh uses it once connected (ssh -G shows the setting). */
function agentOf(value: string | undefined): string | undefined {
  if (value === 'none') return undefined;
  if (value === undefined || value === 'SSH_AUTH_SOCK') return ENV.SSH_AUTH_SOCK;
  return value.startsWith('$') ? ENV[value.slice(1)] : value;
}

function fileList(value: string | undefined): string[] {
  return value === undefined || value === 'none' ? [] : value.split(' ');
}

function seconds(value: string | undefined): number | undefined {
  return value === undefined || value === 'none' || value === '0' ? undefined : Number(value);
}

const STRICTNESS: Record<string, string> = { true: 'yes', false: 'no' };

const FAMILIES: Record<
  string,
  { oracle: (o: Oracle) => unknown; ours: (c: SshConfig) => unknown }
> = {
  HostName: { oracle: (o) => setting(o, 'hostname'), ours: (c) => c.hostname },
  User: { oracle: (o) => setting(o, 'user'), ours: (c) => c.user },
  Port: { oracle: (o) => Number(setting(o, 'port')), ours: (c) => c.port },
  IdentityFile: { oracle: (o) => o.identities, ours: (c) => c.identityFiles },
  IdentitiesOnly: {
    oracle: (o) => setting(o, 'identitiesonly') === 'yes',
    ours: (c) => c.identitiesOnly,
  },
  CertificateFile: { oracle: (o) => o.certificates, ours: (c) => c.certificateFiles },
  IdentityAgent: {
    oracle: (o) => agentOf(setting(o, 'identityagent')),
    ours: (c) => c.identityAgent,
  },
  'ProxyJump and ProxyCommand': {
    // ssh -G shows ProxyCommand only without ProxyJump (the jump becomes its command).
    oracle: (o) => {
      const jump = setting(o, 'proxyjump');
      return { jump, command: jump === undefined ? setting(o, 'proxycommand') : undefined };
    },
    ours: (c) => ({
      jump: c.proxyJump.length > 0 ? c.proxyJump.map(formatHop).join(',') : undefined,
      command: c.proxyCommand?.value,
    }),
  },
  UserKnownHostsFile: {
    oracle: (o) => fileList(setting(o, 'userknownhostsfile')),
    ours: (c) => c.userKnownHostsFiles,
  },
  GlobalKnownHostsFile: {
    // ssh expands `~` in these after printing them.
    oracle: (o) =>
      fileList(setting(o, 'globalknownhostsfile')).map((file) =>
        file.replace(/^~\//, `${SSH_HOME}/`),
      ),
    ours: (c) => c.globalKnownHostsFiles,
  },
  HostKeyAlias: { oracle: (o) => setting(o, 'hostkeyalias'), ours: (c) => c.hostKeyAlias },
  ConnectTimeout: {
    oracle: (o) => seconds(setting(o, 'connecttimeout')),
    ours: (c) => c.connectTimeout,
  },
  'ServerAliveInterval and ServerAliveCountMax': {
    oracle: (o) => [
      Number(setting(o, 'serveraliveinterval')),
      Number(setting(o, 'serveralivecountmax')),
    ],
    ours: (c) => [c.serverAliveInterval, c.serverAliveCountMax],
  },
  StrictHostKeyChecking: {
    oracle: (o) => {
      const value = setting(o, 'stricthostkeychecking') ?? '';
      return STRICTNESS[value] ?? value;
    },
    ours: (c) => c.strictHostKeyChecking?.value ?? 'ask',
  },
};

let SSH_HOME: string;
let ORACLE: Oracle[];

beforeAll(() => {
  SSH_HOME = oracleHome();
  ORACLE = CASES.map(askSsh);
});

afterAll(() => {
  fs.rmSync(ROOT, { recursive: true, force: true });
});

function caseName(c: Case): string {
  const cli = cliArgs(c).join(' ');
  return `${path.basename(c.config)} ${cli ? `${cli} ` : ''}${c.host}`;
}

describe('each keyword family resolves as ssh -G resolves it', () => {
  test.each(Object.keys(FAMILIES))('%s', (family) => {
    const { oracle, ours } = FAMILIES[family];
    const expected = CASES.map((c, i) => [caseName(c), oracle(ORACLE[i])]);
    const actual = CASES.map((c) => [caseName(c), ours(resolve(c))]);
    expect(actual).toEqual(expected);
    // The cases set this family to more than one value: not only the defaults are compared.
    expect(new Set(expected.map(([, value]) => JSON.stringify(value))).size).toBeGreaterThan(1);
  });

  test('the command line comes first: its user and port win, its identities are tried first', () => {
    const resolved = resolve({ config: MAIN, host: 'staging2', port: 2222, identities: [CLI_KEY] });
    expect(resolved.port).toBe(2222);
    expect(resolved.identityFiles[0]).toBe(CLI_KEY);
    expect(resolved.identityFiles.slice(1)).toEqual([
      `${SSH_HOME}/.ssh/staging_deploy`,
      `${SSH_HOME}/.ssh/id_${ME.username}_2222`,
    ]);
    expect(resolve({ config: MAIN, host: 'web2', user: 'admin' }).user).toBe('admin');
    expect(resolved.files).toEqual([
      MAIN,
      path.join(HOME, '.ssh', 'config.d', '10-staging.conf'),
      path.join(HOME, '.ssh', 'config.d', '20-agents.conf'),
    ]);
  });

  test('ProxyJump hops are parsed in every form ssh takes, in the order they are passed', () => {
    const config = write(
      path.join(ROOT, 'hops.conf'),
      'Host *\n  ProxyJump ssh://u1@b1:2200,u2@[::1]:23,10.1.2.3:2222,plain # comment\n',
    );
    expect(resolveSshConfig({ host: 'x' }, config, environment()).proxyJump).toEqual([
      { user: 'u1', host: 'b1', port: 2200 },
      { user: 'u2', host: '::1', port: 23 },
      { host: '10.1.2.3', port: 2222 },
      { host: 'plain' },
    ]);
  });
});

describe('--ssh-config none', () => {
  test("reads no file: ssh's defaults, even with a ~/.ssh/config that would change them", () => {
    const home = path.join(ROOT, 'none-home');
    write(path.join(home, '.ssh', 'config'), 'Host *\n  User configured\n  Port 2022\n', 0o600);
    const env = environment({ home, envHome: home });
    expect(resolveSshConfig({ host: 'web1' }, undefined, env).user).toBe('configured');
    const resolved = resolveSshConfig({ host: 'Web1' }, 'none', env);
    expect(resolved).toEqual({
      host: 'Web1',
      hostname: 'web1',
      user: ME.username,
      port: 22,
      identityFiles: ['rsa', 'ecdsa', 'ecdsa_sk', 'ed25519', 'ed25519_sk', 'xmss', 'dsa'].map(
        (kind) => `${home}/.ssh/id_${kind}`,
      ),
      identitiesOnly: false,
      certificateFiles: [],
      identityAgent: ENV.SSH_AUTH_SOCK,
      proxyJump: [],
      proxyCommand: undefined,
      userKnownHostsFiles: [`${home}/.ssh/known_hosts`, `${home}/.ssh/known_hosts2`],
      globalKnownHostsFiles: ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'],
      hostKeyAlias: undefined,
      connectTimeout: undefined,
      serverAliveInterval: 0,
      serverAliveCountMax: 3,
      strictHostKeyChecking: undefined,
      files: [],
    });
  });
});

describe('without --ssh-config', () => {
  test('~/.ssh/config is read first, then the system-wide file and what it includes', () => {
    const home = path.join(ROOT, 'default-home');
    const user = write(
      path.join(home, '.ssh', 'config'),
      'Host web1\n  User fromuser\n  Include agents.conf\n',
      0o600,
    );
    const agents = write(path.join(home, '.ssh', 'agents.conf'), 'IdentityAgent none\n');
    const etc = path.join(ROOT, 'etc-ssh');
    const system = write(
      path.join(etc, 'ssh_config'),
      'Include ssh_config.d/*.conf\nHost *\n  User fromsystem\n  Port 2200\n',
    );
    const dropIn = write(path.join(etc, 'ssh_config.d', 'ports.conf'), 'Port 2022\n');
    const env = environment({ home, envHome: home, systemConfig: system });
    const resolved = resolveSshConfig({ host: 'web1' }, undefined, env);
    expect([resolved.user, resolved.port, resolved.identityAgent]).toEqual([
      'fromuser',
      2022,
      undefined,
    ]);
    expect(resolved.files).toEqual([user, agents, system, dropIn]);
  });
});

describe('an unsafe config file is refused, as ssh refuses it', () => {
  function including(name: string, included: string): string {
    return write(path.join(ROOT, `${name}.conf`), `Include ${included}\nHost *\n  User x\n`);
  }

  test('an included file others may write (0666): ssh and atomic-link both refuse it', () => {
    const unsafe = write(path.join(HOME, '.ssh', 'unsafe.conf'), 'User evil\n', 0o666);
    const config = including('includes-unsafe', 'unsafe.conf');
    const ssh = runSsh(['-G', '-F', config, 'web1']);
    expect(ssh.status).toBe(255);
    expect(ssh.stderr).toContain(`Bad owner or permissions on ${unsafe}`);
    expect(() => resolveSshConfig({ host: 'web1' }, config, environment())).toThrow(
      new RegExp(`^Bad owner or permissions on ${unsafe} \\(owner uid \\d+, mode 0666\\)`),
    );
  });

  test('an included file another user owns: ssh and atomic-link both refuse it', () => {
    const { uid, gid } = ensureTestUser();
    const theirs = write(path.join(HOME, '.ssh', 'theirs.conf'), 'User evil\n');
    fs.chownSync(theirs, uid, gid);
    const config = including('includes-theirs', 'theirs.conf');
    const ssh = runSsh(['-G', '-F', config, 'web1']);
    expect(ssh.status).toBe(255);
    expect(ssh.stderr).toContain(`Bad owner or permissions on ${theirs}`);
    const error = captured(() => resolveSshConfig({ host: 'web1' }, config, environment()));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toContain(`Bad owner or permissions on ${theirs} (owner uid ${uid},`);
    expect(TEST_USER).not.toBe(ME.username);
  });

  test('~/.ssh/config writable by others or its group, or owned by another user, is refused', () => {
    const { uid, gid } = ensureTestUser();
    const home = path.join(ROOT, 'unsafe-home');
    const file = write(path.join(home, '.ssh', 'config'), 'Host *\n  User evil\n', 0o666);
    const env = environment({ home, envHome: home });
    expect(() => resolveSshConfig({ host: 'web1' }, undefined, env)).toThrow(
      `Bad owner or permissions on ${file}`,
    );
    fs.chmodSync(file, 0o620);
    expect(() => resolveSshConfig({ host: 'web1' }, undefined, env)).toThrow(
      `Bad owner or permissions on ${file} (owner uid ${process.getuid!()}, mode 0620)`,
    );
    fs.chmodSync(file, 0o600);
    expect(resolveSshConfig({ host: 'web1' }, undefined, env).user).toBe('evil');
    fs.chownSync(file, uid, gid);
    expect(() => resolveSshConfig({ host: 'web1' }, undefined, env)).toThrow(
      `Bad owner or permissions on ${file}`,
    );
  });

  test('a file named with --ssh-config is taken as it is, as ssh -F takes it', () => {
    const config = write(path.join(ROOT, 'open.conf'), 'Host *\n  User opened\n', 0o666);
    expect(runSsh(['-G', '-F', config, 'web1']).stdout).toContain('\nuser opened\n');
    expect(resolveSshConfig({ host: 'web1' }, config, environment()).user).toBe('opened');
  });
});

function captured(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('it did not throw');
}

describe('Match exec', () => {
  test('is refused, naming the file and line, when its answer would decide the block', () => {
    const config = write(
      path.join(ROOT, 'exec.conf'),
      'Host *\n  Port 2200\nMatch host web* exec "test -e /run/vpn"\n  User vpn\n',
    );
    const error = captured(() => resolveSshConfig({ host: 'web1' }, config, environment()));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(
      new RegExp(`^${config} line 3: Match exec cannot be followed: .* applies to web1`),
    );
  });

  test('is passed over where ssh would not run it: an earlier criterion failed', () => {
    const config = write(
      path.join(ROOT, 'exec-other.conf'),
      'Match host db* exec "test -e /run/vpn"\n  User vpn\n',
    );
    expect(resolveSshConfig({ host: 'web1' }, config, environment()).user).toBe(ME.username);
  });

  test('is passed over in a file included from a block that does not apply', () => {
    write(path.join(HOME, '.ssh', 'exec-inside.conf'), 'Match exec "true"\n  User vpn\n');
    const config = write(
      path.join(ROOT, 'exec-included.conf'),
      'Host db*\n  Include exec-inside.conf\nHost *\n  User plain\n',
    );
    expect(resolveSshConfig({ host: 'web1' }, config, environment()).user).toBe('plain');
    expect(() => resolveSshConfig({ host: 'db1' }, config, environment())).toThrow(
      `${path.join(HOME, '.ssh', 'exec-inside.conf')} line 1: Match exec cannot be followed`,
    );
  });
});

describe('what cannot be followed is refused, naming the file and line', () => {
  // sshRefuses: whether ssh refuses it too, or it is atomic-link's own limit.
  test.each<[string, string, RegExp, boolean]>([
    ['a service name as port', 'Port ssh', /line 2: bad port 'ssh'/, false],
    ['an unclosed quote', 'User "deploy', /line 2: invalid quotes/, true],
    ['a keyword without value', 'User # nobody', /line 2: missing argument/, true],
    [
      'an unknown Match attribute',
      'Match localnetwork 10.0.0.0/8',
      /line 2: unsupported Match/,
      true,
    ],
    ['Match all with more', 'Match all host web1', /line 2: 'all' cannot be combined/, true],
    ['an unknown token in HostName', 'HostName %n.example', /line 2: unknown token %n/, true],
    ['a bad ProxyJump', 'ProxyJump @bastion', /line 2: invalid ProxyJump "@bastion"/, true],
    ['"none" with other files', 'UserKnownHostsFile none /x', /line 2: "none" must appear/, true],
    ['~USER in a path', 'IdentityFile ~root/.ssh/key', /line 2: ~root\/.ssh\/key: ~USER/, false],
    ['a [...] Include pattern', 'Include conf[12].conf', /line 2: Include .*\[\.\.\.\]/, false],
    [
      'CanonicalizeHostname with CanonicalDomains',
      // (ProxyJump: ssh -G then asks no DNS either.)
      'CanonicalizeHostname yes\nCanonicalDomains example.com\nProxyJump bastion',
      /line 2: CanonicalizeHostname yes with CanonicalDomains asks DNS/,
      false,
    ],
  ])('%s', (name, text, message, sshRefuses) => {
    const config = write(path.join(ROOT, 'bad.conf'), `# ${name}\n${text}\nUser x\n`);
    const error = captured(() => resolveSshConfig({ host: 'web1' }, config, environment()));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(new RegExp(`^${config} ${message.source}`));
    expect(runSsh(['-G', '-F', config, 'web1']).status).toBe(sshRefuses ? 255 : 0);
  });

  test('an Include that includes itself ends at ssh depth limit, as in ssh', () => {
    const config = write(path.join(HOME, '.ssh', 'loop.conf'), 'Include loop.conf\n');
    expect(runSsh(['-G', '-F', config, 'web1']).status).toBe(255);
    expect(() => resolveSshConfig({ host: 'web1' }, config, environment())).toThrow(
      `${config} line 1: too many nested Include levels`,
    );
  });

  test('a named file that does not exist', () => {
    const missing = path.join(ROOT, 'missing.conf');
    expect(runSsh(['-G', '-F', missing, 'web1']).status).toBe(255);
    expect(() => resolveSshConfig({ host: 'web1' }, missing, environment())).toThrow(
      `--ssh-config ${missing}: no such file`,
    );
  });
});
