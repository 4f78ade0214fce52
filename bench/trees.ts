import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** `links/l0..lN` pointing into releases/v1, with v1 and v2 both real, in a fresh directory. */
export function linkTree(count: number, parent = os.tmpdir()): string {
  const dir = fs.mkdtempSync(path.join(parent, 'atomic-link-bench-'));
  try {
    fs.mkdirSync(path.join(dir, 'links'));
    for (const version of ['v1', 'v2']) {
      fs.mkdirSync(path.join(dir, 'releases', version), { recursive: true });
      for (let i = 0; i < count; i++)
        fs.writeFileSync(path.join(dir, 'releases', version, `f${i}`), '');
    }
    for (let i = 0; i < count; i++) {
      fs.symlinkSync(`../releases/v1/f${i}`, path.join(dir, 'links', `l${i}`));
    }
    for (const version of ['v1', 'v2']) {
      const specs = Array.from(
        { length: count },
        (_, i) => `links/l${i} -> ../releases/${version}/f${i}`,
      );
      fs.writeFileSync(path.join(dir, `specs-${version}`), specs.join('\n') + '\n');
    }
  } catch (error) {
    // A small filesystem runs out of inodes: no half-made tree left to fill it for next time.
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return dir;
}

/** The release of a link tree that `link` does not point into now, v1 or v2. */
export function otherVersion(link: string): string {
  return fs.readlinkSync(link).includes('/v1/') ? 'v2' : 'v1';
}
