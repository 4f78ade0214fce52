import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ME } from '../lib/platform/identity.js';
import { Guard } from '../lib/transport/local/guard.js';
import {
  CLI,
  leftovers,
  makeDeployTree,
  makeManyLinks,
  runCli,
  startCli,
  startReader,
  switchingStarted,
  writeSpecs,
} from './helpers/tree.js';

/** The naive switch that deploy tools do today: the name is gone between the two calls. */
function unlinkThenSymlink(link: string, target: string): void {
  fs.unlinkSync(link);
  fs.symlinkSync(target, link);
}

describe('no lookup ever finds a link missing', () => {
  test('the guard sees an unlink-then-symlink switch, and nothing during atomic ones', async () => {
    const dir = makeDeployTree();
    const link = path.join(dir, 'current');

    const naive = new Guard();
    await naive.watch([link]);
    for (let i = 0; i < 2000; i++) unlinkThenSymlink(link, `releases/v${(i % 2) + 1}`);
    const caught = await naive.stop();
    expect(caught.missing).toBeGreaterThan(0);
    expect(caught.sightings[0].link).toBe(link);

    const atomic = new Guard();
    await atomic.watch([link]);
    for (let i = 0; i < 2000; i++) {
      fs.symlinkSync(`releases/v${(i % 2) + 1}`, `${link}.tmp`);
      fs.renameSync(`${link}.tmp`, link);
    }
    const clean = await atomic.stop();
    expect(clean.missing).toBe(0);
    expect(clean.lookups).toBeGreaterThan(0);
  });

  test('the guard looks at the link being switched on every round only when told to follow the switch', async () => {
    const dir = makeDeployTree();
    const present = path.join(dir, 'current');
    const gone = path.join(dir, 'not-there');
    const missingShare = async (followSwitch: boolean) => {
      const guard = new Guard();
      await guard.watch([present, gone], { followSwitch });
      guard.switching(1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const report = await guard.stop();
      expect(report.lookups).toBeGreaterThan(100);
      return report.missing / report.lookups;
    };
    // Going round the two paths, one lookup in two is of the missing one; following the
    // switch as well, three in four.
    expect(await missingShare(false)).toBeCloseTo(0.5, 1);
    expect(await missingShare(true)).toBeCloseTo(0.75, 1);
  });

  test('a guard standing by looks from begin(), and one whose thread ended refuses to begin', async () => {
    const dir = makeDeployTree();
    const link = path.join(dir, 'current');
    const waiting = new Guard();
    await waiting.watch([link], { standBy: true });
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Standing by, it does not look.
    expect(waiting.soFar().lookups).toBe(0);
    waiting.begin();
    const report = await waiting.stop();
    expect(report.lookups).toBeGreaterThan(0);
    expect(report.missing).toBe(0);

    const gone = new Guard();
    await gone.watch([link], { standBy: true });
    await gone.dispose();
    const asked = performance.now();
    expect(() => gone.begin()).toThrow(/its thread ended/);
    // At once: not after the wait for a thread that will never look.
    expect(performance.now() - asked).toBeLessThan(1000);
  });

  test('a reader through current/ sees no gap while the CLI switches, and does see ln-style gaps', async () => {
    const dir = makeDeployTree();
    const file = path.join(dir, 'current', 'index.html');

    const reader = startReader(file);
    for (let i = 0; i < 30; i++) {
      expect(runCli([`current -> releases/v${(i % 2) + 2}`], dir).status).toBe(0);
    }
    const calm = await reader.stop();
    expect(calm.reads).toBeGreaterThan(1000);
    expect(calm.missing).toBe(0);

    const naiveReader = startReader(file);
    // What `rm current && ln -s` (or BusyBox and BSD ln -sf) does.
    const shell =
      'for i in $(seq 1 300); do rm current; ln -s releases/v$((i % 2 + 1)) current; done';
    execFileSync('sh', ['-c', shell], { cwd: dir });
    const naive = await naiveReader.stop();
    expect(naive.missing).toBeGreaterThan(0);
  });

  test('a syscall trace shows a rename onto each link and no unlink of it', () => {
    const dir = makeDeployTree();
    fs.linkSync(path.join(dir, 'releases/v1/index.html'), path.join(dir, 'page'));
    const trace = path.join(dir, 'trace.txt');
    const result = spawnSync(
      'strace',
      [
        '-f',
        '-o',
        trace,
        '-e',
        'trace=unlink,unlinkat,rename,renameat,renameat2,symlink,symlinkat,link,linkat',
        process.execPath,
        path.resolve('dist/cli.js'),
        'current -> releases/v2',
        'page => releases/v2/index.html',
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(0);
    const calls = fs.readFileSync(trace, 'utf8');
    const real = fs.realpathSync(dir);
    const current = path.join(real, 'current');
    for (const name of ['current', 'page']) {
      // By its path, or by its name inside the directory opened (Linux with /proc).
      const link = `(${real}/)?${name}`;
      expect(calls).toMatch(new RegExp(`rename(at2?)?\\(.*, "${link}"\\)`));
      expect(calls).not.toMatch(new RegExp(`unlink(at)?\\([^)]*"${link}"`));
    }
    expect(calls).toMatch(/symlink(at)?\("releases\/v2", .*\.atomic-link-tmp-/);
    expect(fs.readlinkSync(current)).toBe('releases/v2');
  });

  test('a switch that fails midway switches the earlier links back', () => {
    const dir = makeDeployTree();
    fs.symlinkSync('releases/v1', path.join(dir, 'other'));
    // strace makes the second rename fail, as a full or failing disk would.
    const run = spawnSync(
      'strace',
      [
        '-f',
        '-o',
        '/dev/null',
        '-e',
        'trace=rename,renameat,renameat2',
        '-e',
        'inject=rename,renameat,renameat2:error=EIO:when=2',
        process.execPath,
        CLI,
        'current -> releases/v2',
        'other -> releases/v3',
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('could not switch LINK "other": EIO (rename)');
    expect(run.stderr).toContain('switched back the link already switched');
    expect(fs.readlinkSync(path.join(dir, 'current'))).toBe('releases/v1');
    expect(fs.readlinkSync(path.join(dir, 'other'))).toBe('releases/v1');
    expect(leftovers(dir)).toEqual([]);
  });

  test('kill -9 mid-batch leaves every link old or new, and the next run sweeps the leftovers', async () => {
    const count = 20000;
    const dir = makeManyLinks(count);
    const specs = writeSpecs(dir, count, 'v2');
    const links = path.join(dir, 'links');
    const run = startCli(['--spec-file', specs], dir);
    await switchingStarted(path.join(links, 'l0'), '../releases/v2/f0');
    process.kill(run.pid, 'SIGKILL');
    await run;
    let switched = 0;
    for (let i = 0; i < count; i++) {
      const text = fs.readlinkSync(path.join(links, `l${i}`)); // throws if missing
      expect([`../releases/v1/f${i}`, `../releases/v2/f${i}`]).toContain(text);
      if (text.includes('v2')) switched++;
    }
    expect(switched).toBeGreaterThan(0);
    expect(switched).toBeLessThan(count);
    // The killed run's lock is left; a temporary link of a killed run is planted beside it
    // (a kill lands between symlink and rename too rarely to wait for).
    expect(leftovers(links)).toContain('.atomic-link.lock');
    fs.symlinkSync(
      'x',
      path.join(links, `.atomic-link-tmp-${ME.instance}-${run.pid}-0a1b2c3d4e5f6789`),
    );

    const again = runCli(['--spec-file', specs], dir);
    expect(again.status).toBe(0);
    expect(leftovers(links)).toEqual([]);
    expect(fs.readlinkSync(path.join(links, `l${count - 1}`))).toBe(`../releases/v2/f${count - 1}`);
  });

  test('two runs on one directory at once never interleave their batches', async () => {
    const count = 3000;
    const dir = makeManyLinks(count);
    // strace slows the first run's renames down, so its batch is surely under way when the
    // second starts; without the lock (--no-lock) the two then end in a mix of v2 and v3.
    const first = startCli(['--spec-file', writeSpecs(dir, count, 'v2')], dir, [
      'strace',
      '-f',
      '-o',
      '/dev/null',
      '-e',
      'trace=rename,renameat,renameat2',
    ]);
    await switchingStarted(path.join(dir, 'links', 'l0'), '../releases/v2/f0');
    const second = await startCli(['--spec-file', writeSpecs(dir, count, 'v3')], dir);
    expect((await first).status).toBe(0);
    expect(second.status).toBe(0);
    const versions = new Set<string>();
    for (let i = 0; i < count; i++) {
      versions.add(fs.readlinkSync(path.join(dir, 'links', `l${i}`)).split('/')[2]);
    }
    expect([...versions]).toEqual(['v3']);
    expect(leftovers(path.join(dir, 'links'))).toEqual([]);
  });
});
