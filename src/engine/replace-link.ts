import fs from 'node:fs';
import { errnoCode } from './errors.js';
import type { TempNames } from './temp-names.js';
import type { LinkType } from './types.js';

/**
 * Makes `dest` a link to `content` (a symlink's text, or the path to hard-link) with a single
 * rename(2), so that no lookup of `dest` ever finds it missing: rename replaces the name in one
 * step and never follows a symlink at `dest`. `dest` is never unlinked.
 *
 * On failure the error of the failing call is thrown, `dest` is as it was (a rename happens
 * whole or not at all) and the temporary name is gone.
 */
export function replaceLink(temps: TempNames, type: LinkType, content: string, dest: string) {
  const temp = createLink(temps, type, content);
  try {
    fs.renameSync(temp, dest);
  } catch (error) {
    try {
      removeIfPresent(temp);
    } catch {
      // The rename's error is the one to report.
    }
    throw error;
  }
  // When temp and dest already name the same inode, POSIX rename succeeds without doing
  // anything and leaves temp behind; only hard links can get here (as coreutils' force-link).
  if (type === 'hard') removeIfPresent(temp);
}

const ATTEMPTS = 10;

/**
 * Creates the new link under a fresh temporary name and returns that name. The create is
 * itself exclusive; a name someone planted (EEXIST) is passed over for another, a few times.
 */
function createLink(temps: TempNames, type: LinkType, content: string): string {
  for (let attempt = 1; ; attempt++) {
    const temp = temps.next();
    try {
      if (type === 'symbolic') fs.symlinkSync(content, temp);
      else fs.linkSync(content, temp);
      return temp;
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST' || attempt === ATTEMPTS) throw error;
    }
  }
}

export function removeIfPresent(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
}
