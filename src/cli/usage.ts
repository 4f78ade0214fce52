export const USAGE = `Usage:
  atomic-link [OPTIONS] SPEC...            SPEC is 'LINK -> TARGET' (symbolic) or 'LINK => TARGET' (hard)
  atomic-link [OPTIONS] [-s] TARGET LINK   like ln: a hard link unless -s
  atomic-link [OPTIONS] [-s] TARGET... DIR like ln: one link per TARGET inside DIR (a real directory)

Switches each LINK to its TARGET with a single rename, so that nothing looking the link up
ever finds it missing, and fails (exit 3) if a link was seen missing anyway. A symlink to a
directory at LINK is replaced, never entered (as ln -n). SPEC targets are read from the link's
own directory, as the kernel reads a symlink's text.

Options:
  -C, --directory DIR        resolve LINK paths (and ln-style TARGETs) from DIR
  -f, --spec-file FILE       read SPECs from FILE ('-' = stdin, UTF-8): one per line, or a JSON array
  -s, --symbolic             ln-style arguments make symbolic links
  -r, --relative             store targets relative to each link's directory
  -t, --target-directory DIR make the links inside DIR
  -T, --no-target-directory  treat LINK as the link even if it is a directory
      --allow-dangling       allow symlink targets that do not exist
      --replace-files        allow replacing a regular file at LINK
      --backup SUFFIX        keep LINK+SUFFIX pointing at the previous target
      --expect TARGET        switch only if the link now points at TARGET (one SPEC only)
      --dry-run              check everything and print the plan; change nothing
      --json                 print the results as JSON on stdout
  -v, --verbose              print each link switched
      --no-guard             do not watch the links for a missing moment
      --probe, --no-probe    trial swaps before the switch: forced, or skipped
                             (default: on for network and FUSE filesystems)
      --no-lock              do not lock the links' directories
      --lock-timeout SECONDS wait this long for a lock; older locks are stale (default 60)
      --no-fsync             do not fsync the directories after the switch

Remote directories (mounted with sshfs; LINKs and -C are read from PATH):
      --ssh USER@HOST:PATH   switch links in PATH on HOST, over SSH
      --ssh-port N           the SSH port (default 22)
      --identity FILE        the private key to log in with
      --known-hosts FILE     the host keys to check HOST against (always checked)
      --sshfs-option OPT     one more sshfs -o option (repeatable)

  -h, --help                 print this help
      --version              print the version

Exit codes: 0 done; 1 the update failed (links as before, or switched back);
2 bad usage or input (nothing touched); 3 a link was seen missing (guard or probe).
`;
