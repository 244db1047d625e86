import { fork } from 'node:child_process';
const [dir, url] = [process.argv[2], process.argv[3] ?? ''];
const c = fork('/work/main/bench/app-server.ts', [], { execArgv: ['--import', 'tsx', '--disable-warning=FSTDEP023'], env: { ...process.env, BENCH_DATA_DIR: dir, BENCH_DATABASE_URL: url } });
c.on('message', (m) => { console.log(JSON.stringify(m)); if (process.argv[4] !== 'keep') c.send({ type: 'stop' }); });
