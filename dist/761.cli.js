export const id = 761;
export const ids = [761];
export const modules = {

/***/ 4761:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   e: () => (/* binding */ optionLabel),
/* harmony export */   usage: () => (/* binding */ usage)
/* harmony export */ });
/* unused harmony export optionTable */
/* harmony import */ var _options_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3786);

const WIDTH = 100;
/** Where help text starts after an option's name, as in GNU's --help. */
const HELP_COLUMN = 30;
const DEFINITIONS = Object.entries(_options_js__WEBPACK_IMPORTED_MODULE_0__/* .OPTIONS */ .lw);
/** An option as help and the README show it: `-d, -F, --directory`, `--backup[=CONTROL]`, `-b`. */
function optionLabel(name, definition) {
    const letters = [...(definition.short ?? '')].map((letter) => `-${letter}`);
    if (definition.shortOnly)
        return letters.join(', ');
    const value = definition.value ?? '';
    const shown = !value ? '' : definition.optionalValue ? `[=${value}]` : `=${value}`;
    return [...letters, `--${name}${shown}`].join(', ');
}
function optionText(definition) {
    return definition.refused ? `refused: ${definition.refused}` : (definition.help ?? '');
}
/** Words in lines of at most `width` characters, the first `first` characters in. */
function wrap(text, first, indent) {
    const lines = [];
    let line = '';
    let start = first;
    for (const word of text.split(' ')) {
        if (line && start + line.length + 1 + word.length > WIDTH) {
            lines.push(line);
            line = word;
            start = indent;
        }
        else {
            line = line ? `${line} ${word}` : word;
        }
    }
    lines.push(line);
    return lines.join('\n' + ' '.repeat(indent));
}
function helpLine(name, definition) {
    const label = (definition.short ? '  ' : '      ') + optionLabel(name, definition);
    const padded = label.length + 2 > HELP_COLUMN ? `${label}  ` : label.padEnd(HELP_COLUMN);
    return padded + wrap(optionText(definition), padded.length, HELP_COLUMN + 2);
}
function helpGroup(group) {
    const lines = DEFINITIONS.filter(([, definition]) => definition.group === group).map(([name, definition]) => helpLine(name, definition));
    return `${_options_js__WEBPACK_IMPORTED_MODULE_0__/* .GROUP_TITLES */ .Cx[group]}\n${lines.join('\n')}\n`;
}
const paragraph = (text) => wrap(text, 0, 0) + '\n';
/** The --help text; made only when asked for, not on every start. */
function usage() {
    return `Usage: atomic-link [OPTION]... [-T] TARGET LINK
  or:  atomic-link [OPTION]... TARGET
  or:  atomic-link [OPTION]... TARGET... DIRECTORY
  or:  atomic-link [OPTION]... -t DIRECTORY TARGET...
  or:  atomic-link [OPTION]... SPEC...
  or:  atomic-link [OPTION]... --spec-file=FILE
  or:  atomic-link [OPTION]... --rollback LINK...
  or:  atomic-link [OPTION]... --status LINK...
${paragraph('As ln: in the 1st form, make LINK a link to TARGET; in the 2nd, a link to TARGET in the ' +
        'current directory; in the 3rd and 4th, a link to each TARGET in DIRECTORY. Hard links by ' +
        "default, symbolic links with -s. A SPEC is 'LINK -> TARGET' (symbolic) or 'LINK => TARGET' " +
        "(hard); its TARGET is read from the link's own directory, as the kernel reads a symlink's text.")}
${paragraph('Unlike ln, each LINK is switched with a single rename, so that nothing looking it up ever ' +
        'finds it missing, and the run fails (exit 3) if a link was seen missing anyway. A LINK ' +
        'that exists is always replaced (ln -f), and a symlink at LINK is always the link itself, ' +
        'never a directory to link into (ln -n).')}
${helpGroup('ln')}
${paragraph("The backup suffix is '~', unless set with --suffix or SIMPLE_BACKUP_SUFFIX. The version " +
        'control method may be selected via the --backup option or through the VERSION_CONTROL ' +
        'environment variable. Here are the values:')}
  none, off       never make backups (even if --backup is given)
  numbered, t     make numbered backups (LINK.~N~)
  existing, nil   numbered if numbered backups exist, simple otherwise
  simple, never   always make simple backups

${paragraph("A backup is a new link to LINK's old target, switched in before LINK, so that neither is " +
        'ever missing; none is made when LINK is new or already points at TARGET. Using -s ignores ' +
        '-L and -P. Otherwise, the last option specified controls behavior when a TARGET is a ' +
        'symbolic link, defaulting to -P.')}
${helpGroup('own')}
${helpGroup('remote')}
${paragraph('Exit codes: 0 done; 1 the update failed (links as before, or switched back); 2 bad usage ' +
        'or input (nothing touched); 3 a link was seen missing (guard or probe).')}`;
}
const cell = (text) => text.replace(/\|/g, '\\|');
/**
 * A group's options as a Markdown table for the README (scripts/readme-options.js puts it
 * there); ln's own options with GNU ln's meaning beside atomic-link's.
 */
function optionTable(group) {
    const rows = DEFINITIONS.filter(([, definition]) => definition.group === group).map(([name, definition]) => {
        const cells = [`\`${optionLabel(name, definition)}\``];
        if (group === 'ln')
            cells.push(definition.gnu ?? '');
        cells.push(optionText(definition));
        return `| ${cells.map(cell).join(' | ')} |`;
    });
    const header = group === 'ln' ? ['option', 'GNU ln', 'atomic-link'] : ['option', 'meaning'];
    return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows].join('\n');
}


/***/ })

};
