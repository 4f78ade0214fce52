import { MissingLinkError, UpdateError, describeError } from './errors.js';
import { isFailure } from './port.js';
import type { LinkStore, Outcome } from './port.js';
import { tempName } from './temp-names.js';
import type { SwitchOptions } from './types.js';

/**
 * Trial swaps are bounded by time, not by a count of lookups: over a network every swap and
 * every lookup costs round trips, and a count would make the probe as slow as the network.
 */
const PROBE_MS = 1000;
const MIN_SWAPS = 3;

/**
 * Before any real link is touched: fails the run where rename is known not to replace in one
 * step (exit 3), and makes trial swaps of a scratch link, watched, where that is not known.
 * Returns the directories where trial swaps ran.
 */
export async function probeDirectories(
  store: LinkStore,
  dirs: string[],
  options: SwitchOptions,
): Promise<string[]> {
  const mode = options.probe ?? 'auto';
  if (mode === 'never') return [];
  const probed: string[] = [];
  for (const dir of dirs) {
    const behaviour = await store.renameBehaviour(dir);
    if (behaviour.kind === 'gap') {
      throw new MissingLinkError(
        `probe: rename in ${dir} is not atomic (${behaviour.reason}): links would be missing ` +
          `for a moment at each switch; no real link was touched`,
      );
    }
    if (behaviour.kind === 'atomic' && mode === 'auto') continue;
    await trialSwaps(store, dir, behaviour.kind === 'unknown' && behaviour.exact);
    probed.push(dir);
  }
  return probed;
}

/**
 * Swaps a scratch link as the real switch will, while a guard watches it. Where only the
 * rename's ability to replace is in question (`exact`), one swap settles it.
 */
async function trialSwaps(store: LinkStore, dir: string, exact: boolean): Promise<void> {
  const scratch = tempName(dir);
  const left = new Set<string>();
  try {
    const [made] = await store.create([{ path: scratch, type: 'symbolic', content: '.' }]);
    if (isFailure(made)) throw trialFailed(dir, made);
    left.add(scratch);
    const watch = await store.watch([scratch]);
    const started = Date.now();
    let swaps = 0;
    let refused: Outcome<void> | undefined;
    for (;;) {
      swaps++;
      const next = tempName(dir);
      left.add(next);
      // Sent together: a remote store makes the swap in one round trip. The texts name the
      // directory itself, so the scratch link is live as real links are: a plain SFTP rename
      // overwrites a dangling link but refuses a live one, and the probe must meet the refusal.
      const [created, renamed] = await Promise.all([
        store.create([{ path: next, type: 'symbolic', content: swaps % 2 ? './' : '.' }]),
        store.rename([{ from: next, to: scratch, watchIndex: 0 }]),
      ]);
      if (isFailure(created[0])) refused = created[0];
      else if (isFailure(renamed[0])) refused = renamed[0];
      else left.delete(next);
      if (refused !== undefined || watch.soFar().missing > 0) break;
      if (exact || (swaps >= MIN_SWAPS && Date.now() - started >= PROBE_MS)) break;
    }
    const report = await watch.stop();
    if (report.missing > 0) {
      throw new MissingLinkError(
        `probe: a scratch link in ${dir} was seen missing ${report.missing} times in ` +
          `${swaps} trial swaps (${report.lookups} lookups): rename on this filesystem ` +
          `is not atomic (sshfs -o workaround=rename does this); no real link was touched`,
      );
    }
    if (refused !== undefined) throw trialFailed(dir, refused);
  } finally {
    // A store that is gone cannot remove them; its error is not the one to report.
    await store.remove([...left]).catch(() => undefined);
  }
}

function trialFailed(dir: string, error: Outcome<void>): UpdateError {
  const code = isFailure(error) ? error.code : '';
  const cause = ['EPERM', 'EEXIST', 'ENOTSUP', 'EACCES'].includes(code)
    ? 'rename there will not replace an existing link; over SFTP this means the server ' +
      'lacks the posix-rename@openssh.com extension (OpenSSH has it), and replacing a link ' +
      'without it always leaves a moment with no link'
    : 'the trial rename failed';
  return new UpdateError(
    `probe: ${cause} (${describeError(error)} in ${dir}); no real link was touched`,
  );
}
