// An sftp-server for sshd's `Subsystem sftp`: the first session of a connection (the switch's
// channel) runs OpenSSH's own; a later one (the guard's) misbehaves as the file argv[2] says:
//   never-init    reads INIT and never answers it
//   status:N      answers INIT, then every LSTAT with status N (no message)
import { spawn } from 'node:child_process';
import { Buffer } from 'node:buffer';
import fs from 'node:fs';

const mode = fs.readFileSync(process.argv[2], 'utf8').trim();

function parentOf(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

// The sshd process that runs this connection's sessions, and its child this one descends from:
// sshd starts the sessions of a connection in the order their channels asked, so a sibling
// with a smaller pid is an earlier session.
let child = process.pid;
let sshd = parentOf(child);
while (!fs.readFileSync(`/proc/${sshd}/comm`, 'utf8').startsWith('sshd')) {
  child = sshd;
  sshd = parentOf(sshd);
}
const earlier = fs.readdirSync('/proc').some((entry) => {
  if (!/^\d+$/.test(entry) || Number(entry) >= child) return false;
  try {
    return parentOf(Number(entry)) === sshd;
  } catch {
    return false;
  }
});

if (!earlier) {
  const real = spawn('/usr/lib/openssh/sftp-server', [], { stdio: 'inherit' });
  real.on('exit', (code) => process.exit(code ?? 1));
} else {
  let got = Buffer.alloc(0);
  process.stdin.on('data', (chunk) => {
    got = Buffer.concat([got, chunk]);
    while (got.length >= 4 && got.length >= 4 + got.readUInt32BE(0)) {
      const packet = got.subarray(4, 4 + got.readUInt32BE(0));
      got = got.subarray(4 + packet.length);
      answer(packet);
    }
  });
}

function answer(packet) {
  const out = (type, ...words) => {
    const reply = Buffer.alloc(5 + 4 * words.length);
    reply.writeUInt32BE(1 + 4 * words.length, 0);
    reply[4] = type;
    words.forEach((word, i) => reply.writeUInt32BE(word, 5 + 4 * i));
    fs.writeSync(1, reply);
  };
  if (packet[0] === 1) {
    // Its INIT has come: a test may signal the run now.
    fs.writeFileSync(`${process.argv[2]}.init`, '');
    if (mode !== 'never-init') out(2, 3);
    return;
  }
  const status = /^status:(\d+)$/.exec(mode);
  if (status) out(101, packet.readUInt32BE(1), Number(status[1]));
}
