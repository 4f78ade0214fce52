import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { reachOnDisk } from '../lib/transport/local/reach.js';

/** What access(2) says of each target, one lookup each: what reachOnDisk must agree with. */
function oneByOne(targets: { dir: string; text: string }[]): (string | undefined)[] {
  return targets.map(({ dir, text }) => {
    try {
      fs.accessSync(text.startsWith('/') ? text : `${dir}/${text}`);
      return undefined;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code;
    }
  });
}

const codes = (outcomes: unknown[]) =>
  outcomes.map((outcome) => (outcome as NodeJS.ErrnoException | undefined)?.code);

describe('reachOnDisk: listing a directory tells what a lookup per target would', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-reach-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  test('a release of files, directories, live and dangling links, and odd texts', () => {
    const release = path.join(root, 'releases', 'v2');
    const links = path.join(root, 'links');
    fs.mkdirSync(release, { recursive: true });
    fs.mkdirSync(links);
    fs.symlinkSync('releases', path.join(root, 'via'));
    const texts: string[] = [];
    for (let i = 0; i < 300; i++) {
      const name = `f${i}`;
      const kind = i % 6;
      if (kind === 0) fs.writeFileSync(path.join(release, name), '');
      if (kind === 1) fs.mkdirSync(path.join(release, name));
      if (kind === 2) fs.symlinkSync(`f${i - 2}`, path.join(release, name));
      if (kind === 3) fs.symlinkSync('nowhere', path.join(release, name));
      if (kind === 4) fs.writeFileSync(path.join(release, name.toUpperCase()), '');
      // kind 5: nothing there at all
      texts.push(`../releases/v2/${name}`);
    }
    texts.push(
      '../releases/v2/f0/',
      '../releases/v2/f1/',
      '../releases/v2/f0',
      '../via/v2/f6',
      '../via/v2/f5',
      `${release}/f12`,
      `${release}/f11`,
      '.',
      '..',
      '../releases/v2/.',
      '/',
      'nothing',
    );
    const targets = texts.map((text) => ({ dir: links, text }));
    expect(codes(reachOnDisk(targets))).toEqual(oneByOne(targets));
    // Every kind is there, so the comparison means something.
    const told = new Set(oneByOne(targets));
    expect(told).toEqual(new Set([undefined, 'ENOENT', 'ENOTDIR']));
  });

  test('targets found at the end of a directory far bigger than their count', () => {
    const big = path.join(root, 'big');
    fs.mkdirSync(big);
    for (let i = 0; i < 2000; i++) fs.writeFileSync(path.join(big, `e${i}`), '');
    const targets = Array.from({ length: 70 }, (_, i) => ({ dir: root, text: `big/e${1999 - i}` }));
    targets.push({ dir: root, text: 'big/missing' });
    expect(codes(reachOnDisk(targets))).toEqual(oneByOne(targets));
    expect(oneByOne(targets).at(-1)).toBe('ENOENT');
  });

  test('texts of many directories, from links in many directories, in any order', () => {
    for (const dir of ['a', 'b', 'c']) {
      fs.mkdirSync(path.join(root, dir));
      for (let i = 0; i < 80; i += 2) fs.writeFileSync(path.join(root, dir, `n${i}`), '');
    }
    const targets: { dir: string; text: string }[] = [];
    for (let i = 0; i < 80; i++) {
      for (const [from, text] of [
        ['a', `../b/n${i}`],
        ['b', `n${i}`],
        ['c', `${root}/a/n${i}`],
        ['a', `../c/n${i}`],
      ]) {
        targets.push({ dir: path.join(root, from), text });
      }
    }
    expect(codes(reachOnDisk(targets))).toEqual(oneByOne(targets));
  });
});
