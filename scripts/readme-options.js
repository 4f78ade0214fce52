// The option tables of the README and the guide are made from the CLI's option table
// (src/cli/options.ts, as compiled into lib/), the one --help is made from, so that they cannot
// drift apart. Each group's table sits in one of the two files, between
// '<!-- options: GROUP -->' and '<!-- end of options -->'. `npm run readme` rewrites them;
// `node scripts/readme-options.js --check` fails while they differ, and the test suite runs it.
import fs from 'node:fs';
import path from 'node:path';
import prettier from 'prettier';
import { GROUP_TITLES } from '../lib/cli/options.js';
import { optionTable } from '../lib/cli/usage.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const files = ['README.md', path.join('docs', 'GUIDE.md')];
const check = process.argv[2] === '--check';
const found = [];
let stale = false;
for (const file of files) {
  const filePath = path.join(root, file);
  const text = fs.readFileSync(filePath, 'utf8');
  const generated = text.replace(
    /(<!-- options: (\w+) -->\n)[\s\S]*?(<!-- end of options -->)/g,
    (_, begin, group, end) => {
      found.push(group);
      return `${begin}\n${optionTable(group)}\n\n${end}`;
    },
  );
  const config = await prettier.resolveConfig(filePath);
  const formatted = await prettier.format(generated, { ...config, filepath: filePath });
  if (formatted === text) continue;
  if (check) {
    console.error(`${file}'s option tables differ from src/cli/options.ts: run npm run readme`);
    stale = true;
  } else {
    fs.writeFileSync(filePath, formatted);
  }
}
const missing = Object.keys(GROUP_TITLES).filter((group) => !found.includes(group));
if (missing.length > 0) {
  console.error(
    `neither ${files.join(' nor ')} has '<!-- options: ${missing[0]} -->' ... '<!-- end of options -->'`,
  );
  process.exit(1);
}
if (stale) process.exit(1);
