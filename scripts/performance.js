// Writes the benchmark tables of docs/performance.md, and the headline figures of the README,
// from bench/results/results.json (what `npm run bench` measured last), so that no figure is
// copied by hand. `npm run bench` runs it after each run; `--check` changes nothing and fails
// while a table differs from the results (the test suite runs it so).
//
//   node scripts/performance.js [--check] [--results FILE] [--doc FILE] [--readme FILE]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import prettier from 'prettier';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? path.resolve(args[at + 1]) : fallback;
};
const check = args.includes('--check');
const resultsFile = option('--results', path.join(root, 'bench', 'results', 'results.json'));
const docFile = option('--doc', path.join(root, 'docs', 'performance.md'));
const readmeFile = option('--readme', path.join(root, 'README.md'));

const row = (cells) => `| ${cells.join(' | ')} |`;
/** `align` has an l or r per column: figures are right-aligned. */
const table = (head, rows, align = 'l' + 'r'.repeat(head.length - 1)) =>
  [row(head), row(head.map((_, i) => (align[i] === 'r' ? '--:' : '---'))), ...rows.map(row)].join(
    '\n',
  );
const count = (n) => n.toLocaleString('en');
const seconds = (s) => `${s.toFixed(2)} s`;
const ratio = (r) => `${r.toFixed(2)}x`;
const micros = (us) => `${us.toFixed(1)} µs`;

/** Section 1: per-link cost and its ratio to the C floor, one column per contender. */
function local(section) {
  const names = [...new Set(section.results.map((r) => r.name))];
  const sizes = [...new Set(section.results.map((r) => r.count))].sort((a, b) => a - b);
  return table(
    ['N', ...names],
    sizes.map((n) => [
      count(n),
      ...names.map((name) => {
        const r = section.results.find((x) => x.count === n && x.name === name);
        return r ? `${micros(r.perLinkMicros)} (${ratio(r.ratioToFloor)})` : 'not run';
      }),
    ]),
  );
}

function cold(results) {
  return table(
    ['command', 'wall time', 'peak memory'],
    results.map((r) => [
      r.name,
      `${r.medianMillis.toFixed(1)} ms`,
      `${(r.peakMemoryKiB / 1024).toFixed(1)} MiB`,
    ]),
  );
}

/** Section 3: one row per network and N; a contender measured at one N only leaves the rest blank. */
function remote(results) {
  const names = [...new Set(results.map((r) => r.name))];
  const most = Math.max(...results.map((r) => r.runs));
  const keys = [...new Set(results.map((r) => `${r.network}\t${r.count}`))];
  return table(
    ['network', 'N', ...names.map((name, i) => (i === 0 ? `${name} (baseline)` : name))],
    keys.map((key) => {
      const [network, n] = key.split('\t');
      return [
        network,
        count(Number(n)),
        ...names.map((name, i) => {
          const r = results.find(
            (x) => x.network === network && x.count === Number(n) && x.name === name,
          );
          if (!r) {
            const sizes = new Set(results.filter((x) => x.name === name).map((x) => x.count));
            return sizes.size > 1 ? 'not run' : '';
          }
          if (i === 0) return seconds(r.medianSeconds);
          const runs = r.runs < most ? `, ${r.runs} runs` : '';
          return `${seconds(r.medianSeconds)} (${ratio(r.ratioToOneSshCall)}${runs})`;
        }),
      ];
    }),
  );
}

function eyes(results) {
  return table(
    ['case', 'network', 'exit 3', 'time a run'],
    results.map((r) => [
      r.gaps
        ? `${r.case} (gaps made: ${r.gaps.made}, ${r.gaps.minMs.toFixed(1)} to ${r.gaps.maxMs.toFixed(1)} ms)`
        : r.case,
      r.network === 'none' ? '' : r.network,
      `${r.exits['3'] ?? 0} of ${r.runs}`,
      seconds(r.medianSeconds),
    ]),
    'llrr',
  );
}

function image(r) {
  return table(
    ['image', 'size', 'its base', 'added by atomic-link'],
    [
      [
        `\`${r.image}\``,
        `${r.imageMB.toFixed(1)} MB`,
        `${r.baseMB.toFixed(1)} MB (\`${r.base}\`)`,
        `${r.addedMB.toFixed(1)} MB`,
      ],
    ],
  );
}

function fleet(results) {
  return table(
    ['contender', 'time', 'ratio to one host', 'skew'],
    results.map((r) => [
      r.name,
      seconds(r.medianSeconds),
      ratio(r.ratioToOneHost),
      r.medianSkewMs === undefined ? '' : `${r.medianSkewMs} ms`,
    ]),
  );
}

function baseline(results) {
  const where = (dir) =>
    dir === '/dev/shm'
      ? 'tmpfs (`/dev/shm`)'
      : dir.includes('journal')
        ? 'ext4 with a journal'
        : `\`${dir}\``;
  const both = (s) => `${s.wallSeconds.toFixed(3)} s (${s.cpuSeconds.toFixed(3)} s)`;
  return table(
    [
      'where',
      'guard',
      `${results[0].baseline.ref}: wall (CPU)`,
      'this build: wall (CPU)',
      'wall',
      'CPU',
    ],
    results.map((r) => [
      where(r.where),
      r.guard ? 'on' : 'off',
      both(r.baseline),
      both(r.current),
      ratio(r.wallRatio),
      ratio(r.cpuRatio),
    ]),
    'lrrrrr',
  );
}

function jump(results) {
  return table(
    [
      'RTT on each hop',
      'contender',
      'time',
      'ratio to one `ssh -J` call at that RTT',
      "the command's processor time",
    ],
    results.map((r) => [
      `${r.hopRttMs} ms`,
      r.name,
      seconds(r.medianSeconds),
      ratio(r.ratioToOneSshJump),
      seconds(r.cpuSeconds.client),
    ]),
    'rlrrr',
  );
}

/** `result`'s wall time against the Python loop's at the same N, in `section`. */
function toPython(section, result) {
  const python = section.results.find(
    (r) => r.count === result.count && r.name === 'Python os.symlink+os.replace',
  );
  return result.medianSeconds / python.medianSeconds;
}

/** The README's few figures: each names the section of docs/performance.md it comes from. */
function headline(all) {
  const find = (section, test, what) => {
    const found = (section === 'local' ? all.local?.results : all[section])?.find(test);
    if (!found) {
      throw new Error(
        `${resultsFile} has no ${what} ('${section}') for the README's headline: measure it with npm run bench`,
      );
    }
    return found;
  };
  const tmp = find(
    'local',
    (r) => r.count === 10000 && r.name === 'atomic-link, guard on',
    'atomic-link at 10,000 links',
  );
  const journal = all['local in /mnt/ext4-journal'];
  const journaled = journal?.results.find(
    (r) => r.count === 10000 && r.name === 'atomic-link, guard on',
  );
  const oneCold = find('cold', (r) => r.name.startsWith('atomic-link'), 'cold atomic-link run');
  const nodeCold = find('cold', (r) => r.name.startsWith('node -e 0'), 'cold node run');
  const sftp = (n) =>
    find(
      'remote',
      (r) => r.network === '20 ms RTT' && r.count === n && r.name === 'atomic-link --ssh (SFTP)',
      `SFTP run of ${n} links at 20 ms RTT`,
    );
  const fleetRun = find('fleet', (r) => r.name.startsWith('atomic-link'), 'fleet run');
  find('eyes', (r) => !r.case.includes('no writer'), "guard's-eyes run with a writer");
  const where = (prefix, writer) =>
    all.eyes.filter((r) => r.case.startsWith(prefix) && r.case.includes('no writer') !== writer);
  const sum = (list, pick) => list.reduce((total, r) => total + pick(r), 0);
  const rows = [
    [
      '10,000 local links, one command ([1](docs/performance.md#1-local-batch-throughput))',
      `${micros(tmp.perLinkMicros)} a link on ${all.local.filesystem.short}${journaled ? `, ${micros(journaled.perLinkMicros)} on ${journal.filesystem.short}` : ''}`,
      `${ratio(tmp.ratioToFloor)}${journaled ? ` and ${ratio(journaled.ratioToFloor)}` : ''} a C loop of symlink + rename; ` +
        `${ratio(toPython(all.local, tmp))}${journaled ? ` and ${ratio(toPython(journal, journaled))}` : ''} a Python loop of symlink + replace`,
    ],
    [
      'one local link, cold ([2](docs/performance.md#2-one-link-cold))',
      `${oneCold.medianMillis.toFixed(0)} ms`,
      `Node's own start-up: ${nodeCold.medianMillis.toFixed(0)} ms`,
    ],
    ...[1, 1000].map((n) => [
      `${count(n)} link${n === 1 ? '' : 's'} over SSH, 20 ms RTT ([3](docs/performance.md#3-links-over-ssh))`,
      seconds(sftp(n).medianSeconds),
      `${ratio(sftp(n).ratioToOneSshCall)} one \`ssh\` call running \`ln -s\` + \`mv -T\``,
    ]),
    ...[
      ['local disk', 'on a local disk (kernel notifications)'],
      ['SFTP', 'over SFTP (stamps, and sampling)'],
    ].map(([prefix, what]) => [
      `another writer beside the switch, ${what} ([4](docs/performance.md#4-the-guards-eyes))`,
      `caught (exit 3) in ${sum(where(prefix, true), (r) => r.exits['3'] ?? 0)} of ${sum(where(prefix, true), (r) => r.runs)} runs`,
      `false alarms: ${sum(where(prefix, false), (r) => r.exits['3'] ?? 0)} in ${sum(where(prefix, false), (r) => r.runs)} runs`,
    ]),
    ...[
      ['1 link through a jump host', 20, (r) => r.name.includes('through the jump host')],
      ['10 hosts behind one jump host, 1 link each', 10, (r) => r.name.includes('10 hosts')],
    ].map(([what, rtt, test]) => {
      const row = find('jump', (r) => r.hopRttMs === rtt && test(r), `jump run: ${what}`);
      return [
        `${what}, ${rtt} ms RTT a hop ([8](docs/performance.md#8-through-a-jump-host))`,
        seconds(row.medianSeconds),
        `${ratio(row.ratioToOneSshJump)} one \`ssh -J\` call to one host`,
      ];
    }),
    [
      '10 hosts x 100 links, 20 ms RTT ([6](docs/performance.md#6-many-hosts-as-one))',
      seconds(fleetRun.medianSeconds),
      `${ratio(fleetRun.ratioToOneHost)} one \`ssh\` call to one host; skew ${fleetRun.medianSkewMs} ms`,
    ],
  ];
  return table(['case', 'atomic-link', 'against'], rows, 'lll');
}

/**
 * Issue 26's figure: 10,000 links against the Python loop a user would write instead, beside
 * the least a Node program making atomic-link's calls can do, on each filesystem measured.
 */
function againstPython(all) {
  const rows = [];
  for (const [key, section] of Object.entries(all)) {
    if (!key.startsWith('local')) continue;
    const at = (name) => section.results.find((r) => r.count === 10000 && r.name === name);
    const python = at('Python os.symlink+os.replace');
    const calls = at("Node loop of atomic-link's calls");
    if (!python || !calls) continue;
    const cell = (r) => `${seconds(r.medianSeconds)} (${ratio(toPython(section, r))})`;
    rows.push([
      section.filesystem.short,
      seconds(python.medianSeconds),
      cell(calls),
      cell(at('atomic-link, guard off')),
      cell(at('atomic-link, guard on')),
    ]);
  }
  if (rows.length === 0) {
    throw new Error(
      `${resultsFile} has no local run with the Python loop and the Node loop of atomic-link's calls`,
    );
  }
  return table(
    [
      '10,000 links on',
      'Python loop',
      "Node loop of atomic-link's calls",
      'atomic-link, guard off',
      'atomic-link, guard on',
    ],
    rows,
    'lrrrr',
  );
}

/** Each region's table, from the section of the results it shows. */
const MAKERS = {
  local: ['local', local],
  'local-journal': ['local in /mnt/ext4-journal', local],
  'local-tmpfs': ['local in /dev/shm', local],
  'against-python': [undefined, againstPython],
  cold: ['cold', cold],
  remote: ['remote', remote],
  eyes: ['eyes', eyes],
  image: ['image', image],
  fleet: ['fleet', fleet],
  baseline: ['baseline', baseline],
  jump: ['jump', jump],
  headline: [undefined, headline],
};

function make(name, all) {
  const [section, maker] = MAKERS[name];
  if (section === undefined) return maker(all);
  if (all[section] === undefined) {
    throw new Error(
      `${resultsFile} has no '${section}' figures for the '${name}' table: measure them with npm run bench`,
    );
  }
  return maker(all[section]);
}

const REGION = /(<!-- bench: ([\w-]+) -->\n)[\s\S]*?(<!-- end of bench -->)/g;

async function render(file, all, wanted) {
  const text = fs.readFileSync(file, 'utf8');
  const found = [];
  const spliced = text.replace(REGION, (_, begin, name, end) => {
    if (!MAKERS[name]) throw new Error(`${file}: no table is called '${name}'`);
    found.push(name);
    return `${begin}\n<!-- Made from bench/results by scripts/performance.js: do not edit. -->\n\n${make(name, all)}\n\n${end}`;
  });
  const missing = wanted.filter((name) => !found.includes(name));
  if (missing.length > 0) throw new Error(`${file} has no '<!-- bench: ${missing[0]} -->' region`);
  const options = await prettier.resolveConfig(file);
  return { text, rendered: await prettier.format(spliced, { ...options, filepath: file }) };
}

/** Renders every file before writing any, so that a missing figure leaves all of them alone. */
async function main() {
  let all;
  try {
    all = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${resultsFile}: ${error.message}`);
  }
  const targets = [
    [docFile, Object.keys(MAKERS).filter((name) => name !== 'headline')],
    [readmeFile, ['headline']],
  ];
  const rendered = [];
  for (const [file, wanted] of targets) rendered.push([file, await render(file, all, wanted)]);
  let stale = false;
  for (const [file, { text, rendered: fresh }] of rendered) {
    if (fresh === text) continue;
    if (check) {
      console.error(
        `${file}: its figures differ from ${resultsFile}: run 'node scripts/performance.js'`,
      );
      stale = true;
    } else {
      fs.writeFileSync(file, fresh);
      console.log(`${file}: wrote the figures of ${resultsFile}`);
    }
  }
  return stale ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`scripts/performance.js: ${error.message}`);
  process.exitCode = 2;
}
