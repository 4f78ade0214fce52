import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './helpers/tree.js';

test("README's option tables are the ones the option table makes (npm run readme)", () => {
  const check = spawnSync(
    process.execPath,
    [path.join(ROOT, 'scripts', 'readme-options.js'), '--check'],
    { encoding: 'utf8' },
  );
  expect(check.stderr).toBe('');
  expect(check.status).toBe(0);
});
