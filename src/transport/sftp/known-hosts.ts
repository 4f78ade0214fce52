import { createHmac } from 'node:crypto';

/** One usable line of an OpenSSH known_hosts file. */
export interface KnownKey {
  /** The key's type as written (`ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`…). */
  type: string;
  /** The public key blob, as the server sends it during key exchange. */
  blob: Buffer;
  revoked: boolean;
}

/**
 * The keys known_hosts text gives for `host` on `port`, as OpenSSH matches them: the name is
 * `host` on port 22 and `[host]:port` otherwise; a line's names may be patterns (`*`, `?`,
 * `!negation`, comma-separated) or hashed (`|1|salt|hmac`). `@cert-authority` lines are not
 * supported and are passed over; `@revoked` lines mark a key that must be refused.
 */
export function knownKeysFor(text: string, host: string, port: number): KnownKey[] {
  const name = port === 22 ? host : `[${host}]:${port}`;
  const keys: KnownKey[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0].startsWith('@') ? fields.shift() : undefined;
    if (marker === '@cert-authority' || fields.length < 3) continue;
    const [names, type, base64] = fields;
    if (!namesMatch(names, name)) continue;
    keys.push({ type, blob: Buffer.from(base64, 'base64'), revoked: marker === '@revoked' });
  }
  return keys;
}

function namesMatch(names: string, name: string): boolean {
  if (names.startsWith('|1|')) {
    const [, , salt, hash] = names.split('|');
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  return patternListMatches(names, name, true);
}

/**
 * Whether `name` matches a comma-separated list of OpenSSH patterns, any of them negated with
 * `!` (a negated match refuses the name whatever else matches), as OpenSSH's
 * match_pattern_list: known_hosts names and ssh_config's `Match host`/`user` lists.
 */
export function patternListMatches(list: string, name: string, ignoreCase: boolean): boolean {
  let matched = false;
  for (const pattern of list.split(',')) {
    const negated = pattern.startsWith('!');
    if (!globMatch(negated ? pattern.slice(1) : pattern, name, ignoreCase)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** One OpenSSH pattern (`*` any run of characters, `?` one) against the whole of `name`. */
export function globMatch(pattern: string, name: string, ignoreCase: boolean): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, ignoreCase ? 'i' : '').test(name);
}

/**
 * The host key algorithms to offer, in the order of the known keys' types, so that the server
 * is asked for a key we can check (as OpenSSH orders them by known_hosts).
 */
export function hostKeyAlgorithms(keys: KnownKey[]): string[] {
  const algorithms: string[] = [];
  for (const key of keys) {
    if (key.revoked) continue;
    const names = key.type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [key.type];
    for (const algorithm of names) if (!algorithms.includes(algorithm)) algorithms.push(algorithm);
  }
  return algorithms;
}
