#!/usr/bin/env node
// `npx mamori …`: runs src/cli/main.ts through tsx (the project runs TypeScript directly),
// passing arguments, stdio, the exit code and termination signals through.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const tsxPkgPath = require.resolve('tsx/package.json');
const tsxBin = require(tsxPkgPath).bin;
const tsxCli = join(dirname(tsxPkgPath), typeof tsxBin === 'string' ? tsxBin : tsxBin.tsx);

const child = spawn(process.execPath, [tsxCli, join(root, 'src', 'cli', 'main.ts'), ...process.argv.slice(2)], { stdio: 'inherit' });
// Ctrl-C reaches the child through the terminal's process group; only keep this process alive.
process.on('SIGINT', () => {});
for (const sig of ['SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
child.on('error', (err) => { console.error(`mamori: cannot start tsx: ${err.message}`); process.exit(1); });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
