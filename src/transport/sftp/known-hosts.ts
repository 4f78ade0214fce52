import { createHash, createHmac } from 'node:crypto';

/** One usable line of an OpenSSH known_hosts file. */
export interface KnownKey {
  /** The key's type as written (`ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`…). */
  type: string;
  /** The public key blob, as the server sends it during key exchange. */
  blob: Buffer;
}

/** What known_hosts says of one host. */
export interface HostKeys {
  /** The keys it may present, each of a type this client can check. */
  keys: KnownKey[];
  /** Keys marked @revoked: refused whatever else the file says of them. */
  revoked: Buffer[];
  /** The lines naming it that were passed over, and why: for -v, and for a refusal's message. */
  skipped: string[];
}

/** The host key types ssh2 can check a server's signature with. */
const CHECKABLE = new Set([
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-rsa',
  'ssh-dss',
]);

/**
 * What known_hosts text gives for `host` on `port`, as OpenSSH reads it: the name is `host` on
 * port 22 and `[host]:port` otherwise; a line's names may be patterns (`*`, `?`, `!negation`,
 * comma-separated) or hashed (`|1|salt|hmac`). Every line naming the host counts, in any
 * order: a key is accepted when one line lists it, and refused when one marks it `@revoked`.
 * Lines this client cannot use are passed over, not fatal: keys of other types (a FIDO
 * `sk-ssh-ed25519@openssh.com` key), `@cert-authority` lines (host certificates are not
 * supported), unknown markers, keys that do not parse.
 */
export function hostKeysFor(text: string, host: string, port: number): HostKeys {
  const name = port === 22 ? host : `[${host}]:${port}`;
  const found: HostKeys = { keys: [], revoked: [], skipped: [] };
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    const marker = fields[0].startsWith('@') ? fields.shift() : undefined;
    if (fields.length < 3 || !namesMatch(fields[0], name)) return;
    const [, type, base64] = fields;
    const at = `line ${index + 1}`;
    const blob = Buffer.from(base64, 'base64');
    if (marker === '@cert-authority') {
      found.skipped.push(`${at}: a @cert-authority line (host certificates are not supported)`);
    } else if (marker !== undefined && marker !== '@revoked') {
      found.skipped.push(`${at}: the unknown marker ${marker}`);
    } else if (blobType(blob) !== type) {
      found.skipped.push(`${at}: a ${type} key that does not parse`);
    } else if (marker === '@revoked') {
      found.revoked.push(blob);
    } else if (!CHECKABLE.has(type)) {
      found.skipped.push(`${at}: a ${type} key, a type this client cannot check`);
    } else {
      found.keys.push({ type, blob });
    }
  });
  // A revoked key is not even asked for: the server is asked for another it holds, if any.
  found.keys = found.keys.filter((key) => !found.revoked.some((blob) => blob.equals(key.blob)));
  return found;
}

/**
 * What several known_hosts files say of one host, as ssh reads them all: a key listed in any
 * is accepted, unless one marks it @revoked. Each line passed over is named with its file.
 */
export function hostKeysIn(
  files: { file: string; text: string }[],
  host: string,
  port: number,
): HostKeys {
  const all: HostKeys = { keys: [], revoked: [], skipped: [] };
  for (const { file, text } of files) {
    const found = hostKeysFor(text, host, port);
    all.keys.push(...found.keys);
    all.revoked.push(...found.revoked);
    all.skipped.push(...found.skipped.map((line) => `${file} ${line}`));
  }
  all.keys = all.keys.filter((key) => !all.revoked.some((blob) => blob.equals(key.blob)));
  return all;
}

/** A key's fingerprint as `ssh-keygen -l` prints it: `SHA256:` and unpadded base64. */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The type a key blob names in its first field, or undefined when it has none. */
export function blobType(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const length = blob.readUInt32BE(0);
  return blob.length >= 4 + length ? blob.toString('latin1', 4, 4 + length) : undefined;
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
    const names = key.type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [key.type];
    for (const algorithm of names) if (!algorithms.includes(algorithm)) algorithms.push(algorithm);
  }
  return algorithms;
}

/** Whether the server's key `blob` may be trusted: `accepted`, `revoked`, or `unknown`. */
export function judgeHostKey(known: HostKeys, blob: Buffer): 'accepted' | 'revoked' | 'unknown' {
  if (known.revoked.some((revoked) => revoked.equals(blob))) return 'revoked';
  return known.keys.some((key) => key.blob.equals(blob)) ? 'accepted' : 'unknown';
}
