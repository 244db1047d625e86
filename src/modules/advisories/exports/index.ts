// Exports of published advisories: CVE JSON 5, CSAF 2.0 and OSV per advisory, yearly bulk files,
// the Atom feed, the `mamori advisories export` command and a job that refreshes stale bulk files.
// See docs/modules/advisories/exports.md.
import { createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createGzip } from 'node:zlib';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { AdvisoriesPart } from '../part.js';
import { exportRoutes } from './routes.js';
import { FORMATS, refreshAll, writeYear, type BulkFormat } from './bulk.js';
import { yearSummaries } from './load.js';

const USAGE = 'advisories export <cve5|csaf|osv|json> <year> <out-dir-or-file>';

export const part: AdvisoriesPart = {
  name: 'exports',
  routes: exportRoutes,
  jobs: {
    'advisories.exports_refresh_bulk': async (_payload, ctx) => { await refreshAll(ctx, await yearSummaries(ctx.db)); },
  },
  schedules: { 'advisories.exports_refresh_bulk': 6 * 60 * 60_000 },
  commands: [{
    name: 'advisories export',
    usage: USAGE,
    summary: 'Write the published advisories of a JVNDB year as CVE JSON 5, CSAF 2.0 or OSV (JSON Lines) or API JSON (an array); a path ending in .gz is gzip-compressed, a directory gets jvndb-<year>.<format>.json[l].',
    async run(ctx, args, io) {
      const [format, yearRaw, out] = args;
      if (!FORMATS.includes(format as BulkFormat) || !/^\d{4}$/.test(yearRaw ?? '') || !out) { io.err(`usage: mamori ${USAGE}`); return 2; }
      const year = Number(yearRaw);
      let file = out;
      const isDir = out.endsWith('/') || (await stat(out).then((s) => s.isDirectory()).catch(() => false));
      if (isDir) file = join(out, `jvndb-${year}.${format}.${format === 'json' ? 'json' : 'jsonl'}`);
      try {
        await mkdir(dirname(file), { recursive: true });
        const fileStream = createWriteStream(file);
        const gz = file.endsWith('.gz') ? createGzip() : null;
        if (gz) gz.pipe(fileStream);
        const sink: Writable = gz ?? fileStream;
        const closed = once(fileStream, 'close');
        const counts = await writeYear(ctx, year, format as BulkFormat, async (chunk) => { if (!sink.write(chunk)) await once(sink, 'drain'); });
        sink.end();
        await closed;
        io.out(`${file}: ${counts.records} ${format} records from ${counts.advisories} advisories of ${year}`);
        return 0;
      } catch (e) {
        io.err(`cannot write ${file}: ${(e as Error).message}`);
        return 74;
      }
    },
  }],
};
