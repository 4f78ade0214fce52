// The README's option tables are made from the CLI's option table (src/cli/options.ts, as
// compiled into lib/), the one --help is made from, so that the two cannot drift apart.
// `npm run readme` rewrites them; `node scripts/readme-options.js --check` fails while they
// differ, and the test suite runs it.
import fs from 'node:fs';
import path from 'node:path';
import prettier from 'prettier';
import { GROUP_TITLES } from '../lib/cli/options.js';
import { optionTable } from '../lib/cli/usage.js';

const readmePath = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'README.md');
const readme = fs.readFileSync(readmePath, 'utf8');
const found = [];
const generated = readme.replace(
  /(<!-- options: (\w+) -->\n)[\s\S]*?(<!-- end of options -->)/g,
  (_, begin, group, end) => {
    found.push(group);
    return `${begin}\n${optionTable(group)}\n\n${end}`;
  },
);
const missing = Object.keys(GROUP_TITLES).filter((group) => !found.includes(group));
if (missing.length > 0) {
  console.error(`README.md has no '<!-- options: ${missing[0]} -->' ... '<!-- end of options -->'`);
  process.exit(1);
}
const config = await prettier.resolveConfig(readmePath);
const formatted = await prettier.format(generated, { ...config, filepath: readmePath });

if (process.argv[2] === '--check') {
  if (formatted !== readme) {
    console.error("README.md's option tables differ from src/cli/options.ts: run npm run readme");
    process.exit(1);
  }
} else {
  fs.writeFileSync(readmePath, formatted);
}
