/**
 * Where the suite's CPU goes, per test file (not loaded by default):
 *
 *   JEST_CPU_PER_FILE=.profile/cpu.tsv npx jest --setupFilesAfterEnv ./test/support/unmapped-captured-traces.js ./test/support/cpu-per-file.js
 *
 * (the option replaces jest.config.js's list, hence both files) appends one line per file: its path, the CPU-seconds of the Jest worker while it ran (loading
 * its modules included) and of the processes it started and waited for (tasks, CLIs, terraform),
 * and its wall seconds. Wall time on a shared machine says little; CPU time is what a file costs.
 * Linux only (/proc/self/stat).
 */
'use strict';
/* global afterAll, expect -- a Jest setup file runs among the test globals */
const fs = require('node:fs');

/** utime+stime and cutime+cstime of this process, in seconds (clock ticks of 1/100 s). */
function cpuSeconds() {
  const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  const ticks = (index) => Number(fields[index]) / 100;
  return { self: ticks(11) + ticks(12), children: ticks(13) + ticks(14) };
}

const out = process.env.JEST_CPU_PER_FILE;
if (out) {
  const start = cpuSeconds();
  const wallStart = Date.now();
  afterAll(() => {
    const end = cpuSeconds();
    const line = [expect.getState().testPath, (end.self - start.self).toFixed(2), (end.children - start.children).toFixed(2), ((Date.now() - wallStart) / 1000).toFixed(1)];
    fs.appendFileSync(out, `${line.join('\t')}\n`);
  });
}
