import fs from 'node:fs';
import path from 'node:path';
import { parseCommandLine } from '../lib/cli/args.js';
import { OPTIONS, parseOptions } from '../lib/cli/options.js';
import { optionLabel, usage } from '../lib/cli/usage.js';
import { makeDeployTree } from './helpers/tree.js';

describe('options are read as GNU ln reads them', () => {
  test.each<[string[], Record<string, unknown>, string[]]>([
    [['-sfn', 'a', 'b'], { symbolic: true, force: true, 'no-dereference': true }, ['a', 'b']],
    [['-nfsv'], { symbolic: true, force: true, 'no-dereference': true, verbose: true }, []],
    [['--backup'], { backup: true }, []],
    [['--backup=numbered', 'a'], { backup: 'numbered' }, ['a']],
    [['--backup=t', '--backup'], { backup: 't' }, []],
    [['--backup='], { backup: true }, []],
    [['--backup', 'current -> v2'], { backup: true }, ['current -> v2']],
    [['-b', '-S', '.old'], { b: true, suffix: '.old' }, []],
    [['-bS.old'], { b: true, suffix: '.old' }, []],
    [['--suffix=.old'], { suffix: '.old' }, []],
    [['-C', 'dir'], { chdir: 'dir' }, []],
    [['--chdir=dir'], { chdir: 'dir' }, []],
    [['--spec-file', '-'], { 'spec-file': '-' }, []],
    [['-t', 'bin', '-T'], { 'target-directory': 'bin', 'no-target-directory': true }, []],
    [['--sshfs-option', 'a', '--sshfs-option=b'], { 'sshfs-option': ['a', 'b'] }, []],
    [['--', '--backup=x', '-i'], {}, ['--backup=x', '-i']],
  ])('%j', (argv, values, positionals) => {
    const parsed = parseOptions(argv);
    expect(parsed.values).toEqual(values);
    expect(parsed.positionals).toEqual(positionals);
  });

  test('the order of the options is kept (the last of -L and -P counts)', () => {
    expect(parseOptions(['-L', '-sP', '--logical']).order).toEqual([
      'logical',
      'symbolic',
      'physical',
      'logical',
    ]);
  });

  test.each([
    [['-i'], '-i is refused: atomic-link never prompts'],
    [['--interactive'], '--interactive is refused'],
    [['--interactive=always'], '--interactive is refused'],
    [['-d'], '-d is refused: hard links to directories cannot be made'],
    [['-F'], '-F is refused'],
    [['-sF'], '-F is refused'],
    [['--directory'], '--directory is refused'],
    [['--directory=/srv'], 'use -C, --chdir=DIR'],
    [['--backup', '.previous'], '--backup ".previous": --backup takes no separate value'],
    [['--backup', '.previous'], 'write -S .previous -b (or --suffix=.previous)'],
    [['--backup', 'numbered', 'x'], 'write --backup=numbered'],
    [['--frobnicate'], 'unknown option --frobnicate; see --help'],
    [['--spec-file'], '--spec-file needs a value: --spec-file=FILE'],
    [['-f', '--chdir'], '--chdir needs a value: --chdir=DIR'],
    [['-f', '-C'], '-C needs a value: -CDIR'],
  ])('%j is refused', (argv, message) => {
    expect(() => parseOptions(argv)).toThrow(message);
  });

  test('--help lists every option, from the one option table', () => {
    for (const [name, definition] of Object.entries(OPTIONS)) {
      expect(usage()).toContain(optionLabel(name, definition));
    }
    expect(
      usage()
        .split('\n')
        .every((line) => line.length <= 100),
    ).toBe(true);
  });
});

describe('ln-style arguments and SPECs become specs', () => {
  const dir = makeDeployTree();
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.symlinkSync('releases/v2/index.html', path.join(dir, 'alias'));
  const at = (name: string) => path.join(dir, name);

  test.each<[string[], { link: string; target: string; type: string; relative?: boolean }[]]>([
    [
      ['-s', 'releases/v2', 'current'],
      [{ link: 'current', target: 'releases/v2', type: 'symbolic' }],
    ],
    [
      ['-sfn', 'releases/v2', 'current'],
      [{ link: 'current', target: 'releases/v2', type: 'symbolic' }],
    ],
    [['-s', 'releases/v2'], [{ link: 'v2', target: 'releases/v2', type: 'symbolic' }]],
    [
      ['-s', '../releases/v1', '../releases/v2', 'bin'],
      [
        { link: 'bin/v1', target: '../releases/v1', type: 'symbolic' },
        { link: 'bin/v2', target: '../releases/v2', type: 'symbolic' },
      ],
    ],
    [
      ['-s', '-t', 'bin', '../releases/v1'],
      [{ link: 'bin/v1', target: '../releases/v1', type: 'symbolic' }],
    ],
    [['-sT', 'releases/v2', 'bin'], [{ link: 'bin', target: 'releases/v2', type: 'symbolic' }]],
    [
      ['releases/v2/index.html', 'page'],
      [{ link: 'page', target: at('releases/v2/index.html'), type: 'hard' }],
    ],
    [
      ['releases/v2/index.html'],
      [{ link: 'index.html', target: at('releases/v2/index.html'), type: 'hard' }],
    ],
    [['alias', 'page'], [{ link: 'page', target: at('alias'), type: 'hard' }]],
    [['-P', 'alias', 'page'], [{ link: 'page', target: at('alias'), type: 'hard' }]],
    [
      ['-L', 'alias', 'page'],
      [{ link: 'page', target: fs.realpathSync(at('releases/v2/index.html')), type: 'hard' }],
    ],
    [['-L', '-P', 'alias', 'page'], [{ link: 'page', target: at('alias'), type: 'hard' }]],
    [['-sL', 'alias', 'text'], [{ link: 'text', target: 'alias', type: 'symbolic' }]],
    [
      ['-sr', 'releases/v2', 'current'],
      [{ link: 'current', target: at('releases/v2'), type: 'symbolic', relative: true }],
    ],
    [['current -> releases/v2'], [{ link: 'current', target: 'releases/v2', type: 'symbolic' }]],
    [
      ['page => releases/v2/index.html'],
      [{ link: 'page', target: 'releases/v2/index.html', type: 'hard' }],
    ],
  ])('%j', async (argv, expected) => {
    const { specs } = await parseCommandLine(argv, dir, {});
    expect(specs).toEqual(expected.map((spec) => expect.objectContaining(spec)));
  });

  test.each([
    [
      ['-sfn', 'releases/v2', 'releases/v1', 'current'],
      'the last argument "current" is not a directory',
    ],
    [['-sT', 'releases/v2'], '-T takes exactly TARGET and LINK'],
    [['-s', '-t', 'bin', '-T', 'x'], '-t and -T conflict'],
    [['-s', '-t', 'current', 'x'], '-t "current" is not a directory'],
    [['-L', 'current -> releases/v2'], '-t, -T and -L go with ln-style arguments'],
    [['-L', 'releases/v9', 'page'], 'argument "releases/v9": -L cannot follow TARGET'],
    [['-sf', 'current'], 'argument "current": TARGET and LINK "current" are the same file'],
    [['-f', 'specs.txt'], 'spec files are read with --spec-file=FILE (-f is --force)'],
    [['--ssh', 'deploy@web:/srv', '-f', '-'], 'spec files are read with --spec-file=FILE'],
    [['current -> releases/v2', 'page'], 'cannot be mixed'],
    [['--expect', 'releases/v1', '--no-lock', 'current -> releases/v2'], 'needs the lock'],
    [['-b', '--backup=frob', 'current -> releases/v2'], '--backup="frob": not a backup CONTROL'],
    [[], 'no links given'],
  ])('%j is refused', async (argv, message) => {
    await expect(parseCommandLine(argv, dir, {})).rejects.toThrow(message);
  });

  test.each<[string[], Record<string, string>, unknown]>([
    [[], {}, undefined],
    [['-b'], {}, { method: 'existing', suffix: '~' }],
    [['--backup'], { VERSION_CONTROL: 'numbered' }, { method: 'numbered', suffix: '~' }],
    [['-S', '.x'], { VERSION_CONTROL: 'never' }, { method: 'simple', suffix: '.x' }],
    [
      ['--backup=simple'],
      { VERSION_CONTROL: 'bogus', SIMPLE_BACKUP_SUFFIX: '.y' },
      { method: 'simple', suffix: '.y' },
    ],
    [['--backup=none', '-S', '.x'], {}, undefined],
    [['-b'], { VERSION_CONTROL: 'off' }, undefined],
  ])('backups for %j with %j', async (argv, env, plan) => {
    expect((await parseCommandLine([...argv, 'current -> releases/v2'], dir, env)).backup).toEqual(
      plan,
    );
  });

  test('--help needs no links, and reads no backup variables', async () => {
    const settings = await parseCommandLine(['--help'], dir, { VERSION_CONTROL: 'bogus' });
    expect(settings.command).toBe('help');
  });
});
