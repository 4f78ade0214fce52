import { backupControl, backupPlan, nameBackups } from '../lib/cli/backups.js';
import type { BackupPlan, BackupRequest } from '../lib/cli/backups.js';
import { numberedBackups } from '../lib/engine/history.js';
import type { LinkSpec } from '../lib/engine/index.js';

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
    [{ 'keep-backups': '3' }, {}, { method: 'numbered', suffix: '~', keep: 3 }],
    [{ backup: 'nil', 'keep-backups': '1' }, {}, { method: 'existing', suffix: '~', keep: 1 }],
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
    [{ 'keep-backups': '0' }, {}, '--keep-backups "0" must be a whole number, 1 or more'],
    [{ 'keep-backups': '2x' }, {}, '--keep-backups "2x" must be a whole number'],
    [{ backup: 'simple', 'keep-backups': '2' }, {}, '--keep-backups keeps numbered backups'],
  ])('%j with %j is refused', (request, env, message) => {
    expect(() => backupPlan(request, env)).toThrow(message);
  });
});

describe('numbered backups: LINK.~N~, N one more than the highest', () => {
  test.each<[string[], Record<string, string[]>]>([
    [[], {}],
    [['current', 'current~', 'current.old'], {}],
    [['current.~1~', 'current.~10~', 'current.~2~'], { current: ['10', '2', '1'] }],
    [['current.~0~', 'current.~05~', 'current.~3x~', 'current.~~', 'current.~4'], {}],
    [['a.~1~', 'b.~3~', 'a.~2~.~7~'], { a: ['1'], b: ['3'], 'a.~2~': ['7'] }],
    [['.~4~', 'x.y.~9~'], { 'x.y': ['9'] }],
    [['big.~99999999999999999999~', 'big.~9~'], { big: ['99999999999999999999', '9'] }],
  ])('%j', (entries, numbers) => {
    const found = Object.fromEntries(
      [...numberedBackups(entries)].map(([name, backups]) => [
        name,
        backups.map((backup) => String(backup.number)),
      ]),
    );
    expect(found).toEqual(numbers);
  });

  test("numbered and existing give a spec the engine names; a spec's own suffix is kept", () => {
    const spec = (link: string, backup?: string): LinkSpec => ({
      link,
      target: 'x',
      type: 'symbolic',
      origin: link,
      backup,
    });
    const specs = [spec('current'), spec('other', '.mine')];
    nameBackups(specs, { method: 'numbered', suffix: '~', keep: 3 });
    expect(specs.map(({ backup, history }) => ({ backup, history }))).toEqual([
      { backup: undefined, history: { numbered: true, keep: 3 } },
      { backup: '.mine', history: undefined },
    ]);
    const existing = [spec('current')];
    nameBackups(existing, { method: 'existing', suffix: '~' });
    expect(existing[0]).toMatchObject({ backup: '~', history: { numbered: false } });
    const simple = [spec('current')];
    nameBackups(simple, { method: 'simple', suffix: '.old' });
    expect(simple[0]).toMatchObject({ backup: '.old' });
    expect(simple[0].history).toBeUndefined();
  });
});
