// Writes the README's tables of the action's inputs and outputs from action.yml, the one place
// they are defined, so that the two cannot drift apart. With --check it changes nothing and
// fails when the README differs (the test command runs it so).
//
//   node scripts/readme-action.js [--check] [README]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import prettier from 'prettier';
import YAML from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const START = '<!-- action-inputs:start -->';
const END = '<!-- action-inputs:end -->';

/** One line of table text: folded YAML may still hold line breaks, and `|` ends a cell. */
const cell = (text) => String(text).replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');
const code = (text) => (text === '' ? '' : `\`${cell(text)}\``);

function tables(action) {
  const row = (cells) => `| ${cells.join(' | ')} |`;
  const inputs = Object.entries(action.inputs ?? {}).map(([name, input]) =>
    row([
      code(name),
      input.required ? 'yes' : '',
      code(input.default ?? ''),
      cell(input.description ?? ''),
    ]),
  );
  const outputs = Object.entries(action.outputs ?? {}).map(([name, output]) =>
    row([code(name), cell(output.description ?? '')]),
  );
  return [
    '<!-- Generated from action.yml by `npm run readme`: edit action.yml, not this table. -->',
    '',
    row(['input', 'required', 'default', 'meaning']),
    row(['---', '---', '---', '---']),
    ...inputs,
    '',
    row(['output', 'meaning']),
    row(['---', '---']),
    ...outputs,
  ].join('\n');
}

async function renderReadme(readme, action) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`the README has no ${START} … ${END} region`);
  const spliced =
    readme.slice(0, start + START.length) + `\n\n${tables(action)}\n\n` + readme.slice(end);
  // Prettier aligns the tables exactly as `npm run lint` expects them.
  const readmePath = path.join(root, 'README.md');
  const options = await prettier.resolveConfig(readmePath);
  return prettier.format(spliced, { ...options, filepath: readmePath });
}

const args = process.argv.slice(2);
const check = args.includes('--check');
const readmeFile = args.find((arg) => arg !== '--check') ?? path.join(root, 'README.md');
const readme = fs.readFileSync(readmeFile, 'utf8');
const action = YAML.parse(fs.readFileSync(path.join(root, 'action.yml'), 'utf8'));
const rendered = await renderReadme(readme, action);
if (rendered === readme) {
  if (check) console.log(`${readmeFile}: the action's inputs and outputs match action.yml`);
} else if (check) {
  console.error(
    `${readmeFile}: the action's inputs and outputs differ from action.yml: run 'npm run readme'`,
  );
  process.exitCode = 1;
} else {
  fs.writeFileSync(readmeFile, rendered);
  console.log(`${readmeFile}: wrote the action's inputs and outputs from action.yml`);
}
