/**
 * Runs every test tier with mocha in one process and ends with the plain summary line
 * `N passed, N failed[, N skipped]` that CI reads. Exit code 1 when anything failed or when no
 * test ran at all.
 */
import Mocha from 'mocha';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const tiers = (process.argv[2] ? process.argv.slice(2) : ['unit', 'contract', 'integration', 'e2e']).map((t) => join(__dirname, t));

function collect(dir: string): string[] {
  let out: string[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries.sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out = out.concat(collect(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const mocha = new Mocha({ timeout: 30000, reporter: 'spec' });
for (const tier of tiers) for (const file of collect(tier)) mocha.addFile(file);

let passed = 0;
let failed = 0;
let skipped = 0;
mocha.loadFilesAsync().then(() => {
  const runner = mocha.run();
  runner.on('pass', () => passed++);
  runner.on('fail', () => failed++);
  runner.on('pending', () => skipped++);
  runner.on('end', () => {
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
    process.exit(failed > 0 || passed === 0 ? 1 : 0);
  });
}, (err: unknown) => {
  console.error(err);
  process.stdout.write('\n0 passed, 1 failed\n');
  process.exit(1);
});
