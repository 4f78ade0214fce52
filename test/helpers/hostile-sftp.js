// An sftp-server for sshd's `Subsystem sftp`: the first session of a connection (the switch's
// channel) runs OpenSSH's own; a later one (the guard's) misbehaves as the file argv[2] says:
//   never-init    reads INIT and never answers it
//   status:N      answers INIT, then every LSTAT with status N (no message)
//   mute          answers INIT, then nothing
//   stall-after-switch  answers INIT and each LSTAT truly (attributes or no such file) until
//                 a link it looks up points into releases/v2, then nothing more: a server
//                 whose guard's channel hangs once the switch is made
//   drip-after-switch  the same, but then answers one waiting lookup every 1.5 s
//   mute-after-first  answers INIT and its first LSTAT truly, then nothing: a guard's channel
//                 that hangs while it stands by (a fleet waiting for its slowest host)
//   no-times      answers each LSTAT truly, with the permissions alone (no size, ids or times)
import { spawn } from 'node:child_process';
import { Buffer } from 'node:buffer';
import fs from 'node:fs';
import { setInterval } from 'node:timers';

const mode = fs.readFileSync(process.argv[2], 'utf8').trim();

// A process's parent and start time (clock ticks since boot): fields 4 and 22 of its stat.
function statOf(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { parent: Number(fields[1]), started: Number(fields[19]) };
}

// The sshd process that runs this connection's sessions, and its child this one descends from:
// sshd starts the sessions of a connection in the order their channels asked, so a sibling
// started earlier is an earlier session. Pids alone do not tell: they wrap (at 32768 here),
// and a long test run wraps them, which made both sessions the first.
let child = process.pid;
let sshd = statOf(child).parent;
while (!fs.readFileSync(`/proc/${sshd}/comm`, 'utf8').startsWith('sshd')) {
  child = sshd;
  sshd = statOf(sshd).parent;
}
const mine = statOf(child).started;
const earlier = fs.readdirSync('/proc').some((entry) => {
  if (!/^\d+$/.test(entry) || Number(entry) === child) return false;
  try {
    const { parent, started } = statOf(Number(entry));
    // Started in the same tick: then the smaller pid, wrong only if the pids wrapped in between.
    return parent === sshd && (started < mine || (started === mine && Number(entry) < child));
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

let stalled = false;
const dripping = [];

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
  const id = packet.readUInt32BE(1);
  const status = /^status:(\d+)$/.exec(mode);
  if (status) out(101, id, Number(status[1]));
  if (mode === 'mute-after-first') {
    if (!stalled) out(105, id, 0);
    stalled = true;
    return;
  }
  if (stalled) {
    if (mode === 'drip-after-switch') dripping.push(id);
    return;
  }
  if (mode === 'no-times') {
    const where = packet.subarray(9, 9 + packet.readUInt32BE(5)).toString();
    try {
      out(105, id, 0x4, fs.lstatSync(where).mode);
    } catch {
      out(101, id, 2);
    }
    return;
  }
  if (mode === 'stall-after-switch' || mode === 'drip-after-switch') {
    const where = packet.subarray(9, 9 + packet.readUInt32BE(5)).toString();
    let target;
    try {
      target = fs.readlinkSync(where);
    } catch {
      // missing, or not a link: answered as lstat would be below
    }
    if (target?.startsWith('releases/v2')) {
      stalled = true;
      if (mode === 'drip-after-switch') {
        dripping.push(id);
        setInterval(() => dripping.length > 0 && out(105, dripping.shift(), 0), 1500);
      }
    } else if (fs.existsSync(where) || target !== undefined) out(105, id, 0);
    else out(101, id, 2);
  }
}
