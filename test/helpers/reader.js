// Reads a file through a link in a tight loop, as a web server would, and on SIGTERM prints
// how many reads it made and how many found the file missing.
import fs from 'node:fs';

const file = process.argv[2];
let reads = 0;
let missing = 0;
let stop = false;
process.on('SIGTERM', () => (stop = true));
process.stdout.write('ready\n');

function burst() {
  for (let i = 0; i < 200; i++) {
    reads++;
    try {
      fs.readFileSync(file);
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
      missing++;
    }
  }
  if (stop) process.stdout.write(JSON.stringify({ reads, missing }) + '\n');
  else setImmediate(burst);
}
burst();
