import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  backupControl,
  backupPlan,
  backupSuffix,
  highestBackups,
  nameBackups,
} from '../lib/cli/backups.js';
import type { BackupPlan, BackupRequest } from '../lib/cli/backups.js';
import type { LinkSpec } from '../lib/engine/index.js';
import { LocalStore } from '../lib/transport/local/local-store.js';

describe('backup CONTROL words, as GNU argmatch reads them', () => {
  test.each([
    ['none', 'none'],
    ['off', 'none'],
    ['numbered', 'numbered'],
    ['t', 'numbered'],
    ['existing', 'existing'],
    ['nil', 'existing'],
    ['simple', 'simple'],
    ['never', 'simple'],
    ['num', 'numbered'],
    ['ne', 'simple'],
    ['ni', 'existing'],
    ['no', 'none'],
    ['o', 'none'],
    ['e', 'existing'],
    ['s', 'simple'],
  ])('%s is %s', (word, control) => {
    expect(backupControl(word, '--backup')).toBe(control);
  });

  test.each([
    ['n', '--backup="n": ambiguous as a backup CONTROL'],
    ['', '--backup="": ambiguous as a backup CONTROL'],
    ['numbers', '--backup="numbers": not a backup CONTROL'],
    ['NONE', '--backup="NONE": not a backup CONTROL'],
  ])('%j is refused', (word, message) => {
    expect(() => backupControl(word, '--backup')).toThrow(message);
  });
});

describe('-b, --backup[=CONTROL], -S and the environment', () => {
  test.each<[BackupRequest, Record<string, string>, BackupPlan | undefined]>([
    [{}, { VERSION_CONTROL: 'numbered' }, undefined],
    [{ b: true }, {}, { method: 'existing', suffix: '~' }],
    [{ backup: true }, {}, { method: 'existing', suffix: '~' }],
    [{ backup: true }, { VERSION_CONTROL: '' }, { method: 'existing', suffix: '~' }],
    [{ b: true }, { VERSION_CONTROL: 't' }, { method: 'numbered', suffix: '~' }],
    [{ b: true }, { VERSION_CONTROL: 'nev' }, { method: 'simple', suffix: '~' }],
    [{ backup: 'simple' }, { VERSION_CONTROL: 'numbered' }, { method: 'simple', suffix: '~' }],
    [{ backup: 'nil', b: true }, {}, { method: 'existing', suffix: '~' }],
    [{ suffix: '.old' }, {}, { method: 'existing', suffix: '.old' }],
    [{ suffix: '.old' }, { SIMPLE_BACKUP_SUFFIX: '.bak' }, { method: 'existing', suffix: '.old' }],
    [{ b: true }, { SIMPLE_BACKUP_SUFFIX: '.bak' }, { method: 'existing', suffix: '.bak' }],
    [{ b: true }, { SIMPLE_BACKUP_SUFFIX: '' }, { method: 'existing', suffix: '~' }],
    [{ backup: 'off', suffix: '.old' }, {}, undefined],
    [{ b: true }, { VERSION_CONTROL: 'none' }, undefined],
  ])('%j with %j', (request, env, plan) => {
    expect(backupPlan(request, env)).toEqual(plan);
  });

  test.each<[BackupRequest, Record<string, string>, string]>([
    [{ b: true }, { VERSION_CONTROL: 'bogus' }, 'VERSION_CONTROL="bogus": not a backup CONTROL'],
    [{ backup: 'n' }, {}, '--backup="n": ambiguous'],
    [{ suffix: '' }, {}, '-S, --suffix "": a backup suffix must be a name'],
    [{ suffix: 'a/b' }, {}, `-S, --suffix "a/b": a backup suffix must be a name, with no '/'`],
    [{ suffix: 'a\nb' }, {}, 'with no'],
    [{ b: true }, { SIMPLE_BACKUP_SUFFIX: 'x/y' }, 'SIMPLE_BACKUP_SUFFIX "x/y"'],
  ])('%j with %j is refused', (request, env, message) => {
    expect(() => backupPlan(request, env)).toThrow(message);
  });
});

describe('numbered backups: LINK.~N~, N one more than the highest', () => {
  test.each<[string[], Record<string, bigint>]>([
    [[], {}],
    [['current', 'current~', 'current.old'], {}],
    [['current.~1~', 'current.~2~', 'current.~10~'], { current: 10n }],
    [['current.~0~', 'current.~05~', 'current.~3x~', 'current.~~', 'current.~4'], {}],
    [['a.~1~', 'b.~3~', 'a.~2~.~7~'], { a: 1n, b: 3n, 'a.~2~': 7n }],
    [['.~4~', 'x.y.~9~'], { 'x.y': 9n }],
    [['big.~99999999999999999999~'], { big: 99999999999999999999n }],
  ])('%j', (entries, highest) => {
    expect(Object.fromEntries(highestBackups(entries))).toEqual(highest);
  });

  test.each<[BackupPlan['method'], bigint | undefined, string]>([
    ['simple', undefined, '.old'],
    ['simple', 4n, '.old'],
    ['existing', undefined, '.old'],
    ['existing', 4n, '.~5~'],
    ['numbered', undefined, '.~1~'],
    ['numbered', 99999999999999999999n, '.~100000000000000000000~'],
  ])('%s after %p: %s', (method, highest, suffix) => {
    expect(backupSuffix({ method, suffix: '.old' }, highest)).toBe(suffix);
  });

  test("each link's suffix comes from its own directory; a spec's own suffix is kept", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-backups-'));
    fs.mkdirSync(path.join(dir, 'sub'));
    for (const name of ['current.~1~', 'current.~7~', 'other.~9~', 'sub/current.~2~']) {
      fs.symlinkSync('x', path.join(dir, name));
    }
    const spec = (link: string, backup?: string): LinkSpec => ({
      link,
      target: 'x',
      type: 'symbolic',
      origin: link,
      backup,
    });
    const specs = [
      spec('current'),
      spec('sub/current'),
      spec('new'),
      spec('missing/current'),
      spec('other', '.mine'),
    ];
    const store = new LocalStore({ guard: false });
    await nameBackups(store, specs, { method: 'numbered', suffix: '~' }, dir);
    expect(specs.map((each) => each.backup)).toEqual(['.~8~', '.~3~', '.~1~', '.~1~', '.mine']);

    const existing = [spec('current'), spec('new')];
    await nameBackups(store, existing, { method: 'existing', suffix: '~' }, dir);
    expect(existing.map((each) => each.backup)).toEqual(['.~8~', '~']);

    const none = [spec('current')];
    await nameBackups(store, none, undefined, dir);
    expect(none[0].backup).toBeUndefined();
  });
});
