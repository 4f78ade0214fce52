// What one rename can replace on this system: run by CI on each runner system (issue 11: on
// Windows, Node's rename is MoveFileExW with MOVEFILE_REPLACE_EXISTING, which is said to
// replace files but not directories, and a directory symlink or junction is a directory
// there). Prints a line per case, the outcome and what is at the name after; never deletes
// first, as atomic-link never does.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-facts-'));
const at = (name) => path.join(dir, name);
fs.mkdirSync(at('v1'));
fs.mkdirSync(at('v2'));
fs.writeFileSync(at('v1/f'), '1');
fs.writeFileSync(at('v2/f'), '2');

const cases = [
  ['file symlink over file symlink', 'v1/f', 'v2/f', 'file'],
  ['directory symlink over directory symlink', 'v1', 'v2', 'dir'],
  ['junction over junction', at('v1'), at('v2'), 'junction'],
];
let failures = 0;
for (const [name, oldTarget, newTarget, type] of cases) {
  const link = at(`link-${type}`);
  const temp = at(`temp-${type}`);
  let outcome;
  try {
    fs.symlinkSync(oldTarget, link, type);
    fs.symlinkSync(newTarget, temp, type);
    fs.renameSync(temp, link);
    outcome = `replaced; now ${fs.readlinkSync(link)}`;
  } catch (error) {
    failures++;
    outcome = `${error.code}: ${error.message}`;
  }
  console.log(`${name}: ${outcome}`);
}
try {
  fs.linkSync(at('v1/f'), at('hard'));
  fs.linkSync(at('v2/f'), at('hard-temp'));
  fs.renameSync(at('hard-temp'), at('hard'));
  console.log(
    `hard link over hard link: replaced; now reads ${fs.readFileSync(at('hard'), 'utf8')}`,
  );
} catch (error) {
  failures++;
  console.log(`hard link over hard link: ${error.code}: ${error.message}`);
}
fs.rmSync(dir, { recursive: true, force: true });
console.log(`${process.platform}: ${failures} of ${cases.length + 1} cases could not be replaced`);
