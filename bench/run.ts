/**
 * Runs every `bench/*.bench.ts` one after another (never in parallel: they would measure each
 * other), each in its own process, and ends with one line per bench and its exit status.
 * `npm run bench -- intake dispatch` runs only the named ones.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv.slice(2);
const files = readdirSync(__dirname)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => only.length === 0 || only.includes(name.replace(/\.bench\.ts$/, '')))
  .sort();

function runOne(file: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, file)], { stdio: 'inherit', env: process.env });
    child.on('error', () => resolve(1));
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<void> {
  if (files.length === 0) {
    console.error(only.length ? `no bench named ${only.join(', ')}` : 'no bench/*.bench.ts found');
    process.exit(1);
  }
  const results: Array<[string, number]> = [];
  for (const file of files) {
    console.log(`\n=== ${file} ===`);
    results.push([file, await runOne(file)]);
  }
  console.log('\n=== summary ===');
  for (const [file, code] of results) console.log(`${code === 0 ? 'ok  ' : 'FAIL'} ${file}${code === 0 ? '' : ` (exit ${code})`}`);
  process.exit(results.some(([, code]) => code !== 0) ? 1 : 0);
}

void main();
