import * as fs from 'node:fs';
import { SYNTH_OUT_ENV } from './synth';

export default function globalTeardown(): void {
  const dir = process.env[SYNTH_OUT_ENV];
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
