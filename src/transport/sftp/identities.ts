import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AnyAuthMethod, AuthHandlerMiddleware, ParsedKey } from 'ssh2';
import { UpdateError, errnoCode } from '../../engine/errors.js';
import type { SshTarget } from '../ssh-target.js';

/** ssh2's key parser, handed in: this module is loaded with the local path, ssh2 is not. */
export type ParseKey = (data: Buffer) => ParsedKey | ParsedKey[] | Error;

/** How to log in, and what was passed over on the way. */
export interface Identities {
  /** Tries each method in turn: for ssh2's authHandler. */
  authHandler: AuthHandlerMiddleware;
  /** The methods, in the words of a refusal's message. */
  tried: string[];
  /** Key files passed over, and why: for -v, and for a refusal's message. */
  skipped: string[];
}

const USUAL_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/**
 * The ways to log in, in the order OpenSSH tries them: the agent's keys (SSH_AUTH_SOCK), then
 * --identity, else each of the usual key files that exists and can be used. A usual key file
 * that is encrypted or cannot be read is passed over; an --identity that cannot be used is an
 * error before anything is sent. With nothing at all, the "none" method is asked for, as a
 * server may let a user in without a key. Each method is tried straight away: ssh2 would first
 * ask the server which it takes, a round trip the answer of which changes nothing here.
 */
export function identities(target: SshTarget, username: string, parse: ParseKey): Identities {
  const methods: AnyAuthMethod[] = [];
  const tried: string[] = [];
  const skipped: string[] = [];
  const agent = process.env.SSH_AUTH_SOCK;
  if (agent) {
    methods.push({ type: 'agent', username, agent });
    tried.push(`the agent's keys (${agent})`);
  }
  const files = target.identity
    ? [target.identity]
    : USUAL_KEYS.map((name) => path.join(os.homedir(), '.ssh', name)).filter(exists);
  for (const file of files) {
    const key = readKey(file, parse);
    if (typeof key === 'string') {
      if (target.identity) {
        throw new UpdateError(`the identity ${file} ${key}; nothing was changed`);
      }
      skipped.push(`${file} was passed over: it ${key}`);
      continue;
    }
    methods.push({ type: 'publickey', username, key });
    tried.push(file);
  }
  if (methods.length === 0) {
    methods.push({ type: 'none', username });
    tried.push('no key (no agent, no --identity, no usable ~/.ssh/id_* file)');
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
function readKey(file: string, parse: ParseKey): ParsedKey | string {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (error) {
    return `cannot be read (${errnoCode(error) ?? (error as Error).message})`;
  }
  const parsed = parse(data);
  if (parsed instanceof Error) {
    return /no passphrase given/.test(parsed.message)
      ? 'is encrypted: passphrases are not supported yet; add the key to an agent (ssh-add) instead'
      : `is not a private key this client can read (${parsed.message})`;
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  return key?.isPrivateKey() ? key : 'is not a private key (a public key?)';
}

function exists(file: string): boolean {
  return fs.existsSync(file);
}
