import fs from 'node:fs';
import type { Socket } from 'node:net';
import type { AnyAuthMethod, AuthHandlerMiddleware, BaseAgent, ParsedKey } from 'ssh2';
import { UpdateError, errnoCode } from '../../engine/errors.js';
import { readAtMost } from '../../platform/read-file.js';
import type { Hop } from '../ssh-route.js';

/** ssh2's key parser and agent, handed in: this module is loaded with the local path, ssh2 is not. */
export interface KeyTools {
  parseKey: (data: Buffer, passphrase?: string) => ParsedKey | ParsedKey[] | Error;
  createAgent: (socket: string) => BaseAgent;
}

/** How to log in, and what was passed over on the way. */
export interface Identities {
  /** Tries each method in turn: for ssh2's authHandler. */
  authHandler: AuthHandlerMiddleware;
  /** The methods, in the words of a refusal's message. */
  tried: string[];
  /** Key files passed over, and why: for -v, and for a refusal's message. */
  skipped: string[];
}

/**
 * How long the agent has to answer one request. An agent that never answers (a stale
 * SSH_AUTH_SOCK forwarded from a dead session) is then one failed method, and the key files
 * are tried next; without it, its socket kept the process alive after every failure.
 */
const AGENT_ANSWER_MS = 5000;

/** The largest key file read (an RSA key of 16,384 bits is 12 KiB): /dev/zero is refused. */
const KEY_FILE_LIMIT = 1024 * 1024;

/**
 * Each key file's reading, by file and passphrase, once a process: a fleet's hosts behind one
 * jump host read the same files for every hop (twenty parses of one ed25519 key for ten hosts,
 * 3 ms each on the one thread that also makes their handshakes).
 */
const readKeys = new Map<string, ParsedKey | string>();

/** Where the passphrase comes from, for the messages that need one: the CLI's, or as advised. */
const passphraseSources = (advise?: (option: string) => string) =>
  advise?.('passphrase-file') ?? 'ATOMIC_LINK_SSH_PASSPHRASE or --passphrase-file';

/**
 * The ways to log in to `hop`, in the order OpenSSH tries them: the agent's keys (IdentityAgent,
 * by default SSH_AUTH_SOCK), then the key files (--identity, then the config's IdentityFile,
 * else the usual ~/.ssh/id_* files). With IdentitiesOnly, only the agent's keys that are one of
 * those files' (their public key read from FILE.pub, or from the key itself) are offered. An
 * encrypted key is decrypted with `passphrase`. A key file that is missing is passed over
 * silently, as ssh passes it over; one that cannot be used is passed over with the reason, but
 * ends the run (an UpdateError, before anything is sent) when it is the command line's. With
 * nothing at all, the "none" method is asked for, as a server may let a user in without a key.
 * Each method is tried straight away: ssh2 would first ask the server which it takes, a round
 * trip the answer of which changes nothing here.
 */
export function identities(
  hop: Hop,
  passphrase: string | undefined,
  tools: KeyTools,
  advise?: (option: string) => string,
): Identities {
  const { user: username, identityFiles, identitiesOnly, identityAgent } = hop.config;
  const tried: string[] = [];
  const skipped: string[] = [];
  const files: { file: string; key: ParsedKey }[] = [];
  const publicKeys: Buffer[] = [];
  for (const file of identityFiles) {
    if (file !== hop.identity && !fs.existsSync(file)) continue;
    const cacheKey = JSON.stringify([file, passphrase]);
    const key = readKeys.get(cacheKey) ?? readKey(file, passphrase, tools.parseKey, advise);
    readKeys.set(cacheKey, key);
    const publicKey = typeof key === 'string' ? publicKeyOf(file, tools.parseKey) : key;
    if (publicKey !== undefined) publicKeys.push(publicKey.getPublicSSH());
    if (typeof key !== 'string') {
      files.push({ file, key });
    } else if (file === hop.identity) {
      throw new UpdateError(`the identity ${file} ${key}; nothing was changed`);
    } else {
      skipped.push(`${file} was passed over: it ${key}`);
    }
  }
  for (const certificate of certificatesOf(hop)) {
    skipped.push(
      `${certificate} was not offered: OpenSSH certificates are not supported (see the README)`,
    );
  }
  const methods: AnyAuthMethod[] = [];
  if (identityAgent && !(identitiesOnly && publicKeys.length === 0)) {
    const agent = answering(tools.createAgent(identityAgent));
    methods.push({
      type: 'agent',
      username,
      agent: identitiesOnly ? onlyKeys(agent, publicKeys) : agent,
    });
    tried.push(
      `the agent's keys (${identityAgent})${identitiesOnly ? ' that are one of the key files (IdentitiesOnly)' : ''}`,
    );
  }
  for (const { file, key } of files) {
    methods.push({ type: 'publickey', username, key });
    tried.push(file);
  }
  if (methods.length === 0) {
    methods.push({ type: 'none', username });
    tried.push('no key (no agent, no --identity, no usable key file)');
  }
  let next = 0;
  return {
    // `false` ends the login, failed: ssh2 takes it, its types do not say so.
    authHandler: (_left, _partial, callback) => callback(methods[next++] ?? (false as never)),
    tried,
    skipped,
  };
}

/** The private key in `file`, or why it cannot be used (said after "the identity FILE"). */
function readKey(
  file: string,
  passphrase: string | undefined,
  parse: KeyTools['parseKey'],
  advise?: (option: string) => string,
): ParsedKey | string {
  let data: Buffer | undefined;
  try {
    data = readAtMost(file, KEY_FILE_LIMIT);
  } catch (error) {
    return `cannot be read (${errnoCode(error) ?? (error as Error).message})`;
  }
  if (data === undefined) return `is over ${KEY_FILE_LIMIT / 1024} KiB: not a key file`;
  let parsed = parse(data);
  if (parsed instanceof Error && /no passphrase given/.test(parsed.message)) {
    if (passphrase === undefined) {
      return `is encrypted, and no passphrase was given (${passphraseSources(advise)}; or add the key to an agent with ssh-add)`;
    }
    parsed = parse(data, passphrase);
    if (parsed instanceof Error)
      return 'is encrypted, and the passphrase given does not decrypt it';
  }
  if (parsed instanceof Error) {
    return `is not a private key this client can read (${parsed.message})`;
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  return key?.isPrivateKey() ? key : 'is not a private key (a public key?)';
}

/** The public half of a key file that cannot be used itself, from FILE.pub, as ssh reads it. */
function publicKeyOf(file: string, parse: KeyTools['parseKey']): ParsedKey | undefined {
  let parsed: ReturnType<KeyTools['parseKey']>;
  try {
    parsed = parse(fs.readFileSync(`${file}.pub`));
  } catch {
    return undefined;
  }
  return parsed instanceof Error ? undefined : Array.isArray(parsed) ? parsed[0] : parsed;
}

/**
 * The agent, each of its connections ended after AGENT_ANSWER_MS without an answer, and never
 * one that keeps the process alive. ssh2's OpenSSH agent opens a connection per request
 * (getStream), and ends the request as failed when that connection closes.
 */
function answering(agent: BaseAgent): BaseAgent {
  type Streams = { getStream?: (callback: (error: Error | null, stream?: Socket) => void) => void };
  const open = (agent as BaseAgent & Streams).getStream;
  if (open === undefined) return agent;
  const bounded = Object.create(agent) as BaseAgent & Streams;
  bounded.getStream = (callback) =>
    open.call(bounded, (error, stream) => {
      stream?.setTimeout(AGENT_ANSWER_MS, () => stream.destroy()).unref();
      callback(error, stream);
    });
  return bounded;
}

/** The agent's keys narrowed to `allowed` (IdentitiesOnly); it still signs with them itself. */
function onlyKeys(agent: BaseAgent, allowed: Buffer[]): BaseAgent {
  // A child of the agent object: ssh2 takes it for an agent, and it inherits sign().
  const narrowed = Object.create(agent) as BaseAgent;
  narrowed.getIdentities = (callback) =>
    agent.getIdentities((error, keys) =>
      callback(
        error,
        keys?.filter((key) =>
          allowed.some((blob) => blob.equals((key as ParsedKey).getPublicSSH())),
        ),
      ),
    );
  return narrowed;
}

/** The certificates ssh would offer: CertificateFile, and FILE-cert.pub beside each key file. */
function certificatesOf(hop: Hop): string[] {
  const { certificateFiles, identityFiles } = hop.config;
  const beside = identityFiles.map((file) => `${file}-cert.pub`);
  return [...new Set([...certificateFiles, ...beside])].filter((file) => fs.existsSync(file));
}
