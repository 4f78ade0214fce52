import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory of the action a module belongs to: the nearest one above the module that holds
 * action.yml. The bundle lies in its dist/, the sources in its src/, wherever the runner or
 * GitHub's @github/local-action put them; process.argv[1] names whatever script started Node
 * (local-action's own, under it). Undefined outside an action (the CLI's package, the image).
 */
export function actionRoot(moduleUrl: string | URL): string | undefined {
  let dir = path.dirname(fileURLToPath(moduleUrl));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'action.yml'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}
