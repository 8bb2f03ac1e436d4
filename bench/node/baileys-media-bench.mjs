// Baileys' own media encryption, the peer of the media benchmark (docs/BENCHMARKS.md, "Media and group sends
// (issue 13)"): `encryptedStream(media, mediaType)` from lib/Utils/messages-media.js, which reads the file as a stream,
// encrypts it (AES-256-CBC, HMAC-SHA256, both SHA-256s) and writes `enc || mac` to a temporary file, as our
// MediaUploads does; so the C# row it is compared with is "encrypt → temp file".
//
//   node bench/node/baileys-media-bench.mjs [--sizes 1,16,100] [--rounds 5] [--warmup 1] [--out results.json]
//
// For each size (MB = 10^6 bytes) it writes a file of random bytes, then times whole calls on it: { url: path } (a
// file read stream, as a caller uploading from disk passes it), 'document', and the deletion of the encrypted file
// (our temporary file deletes itself on close inside the timed call). The figure is the median over rounds after the
// warm-up. Baileys is loaded from tests/Interop/node_modules, which NpmPeers installs with `npm ci`.

import { randomFillSync } from 'node:crypto';
import { mkdtempSync, openSync, writeSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { statistics } from './measure.mjs';

const media = new URL('../../tests/Interop/node_modules/baileys/lib/Utils/messages-media.js', import.meta.url);
let encryptedStream;
try {
  ({ encryptedStream } = await import(media));
} catch (error) {
  console.error(`Cannot load Baileys from ${media.pathname}: run \`npm ci\` in tests/Interop first.\n${error}`);
  process.exit(2);
}

const options = parseArguments(process.argv.slice(2));
const folder = mkdtempSync(join(tmpdir(), 'baileys-bench-media-'));
const results = [];
try {
  for (const mb of options.sizes) {
    const path = join(folder, `plain-${mb}MB.bin`);
    writeRandomFile(path, mb * 1_000_000);
    const once = async () => {
      const encrypted = await encryptedStream({ url: path }, 'document');
      if (encrypted.fileLength !== mb * 1_000_000) throw new Error(`encrypted ${encrypted.fileLength} bytes of ${mb * 1_000_000}`);
      await unlink(encrypted.encFilePath);
    };
    for (let i = 0; i < options.warmup; i++) await once();
    const perPass = [];
    for (let i = 0; i < options.rounds; i++) {
      globalThis.gc?.();
      const start = performance.now();
      await once();
      perPass.push(performance.now() - start);
    }
    const { medianMs } = statistics(perPass);
    const mbPerSecond = mb / (medianMs / 1000);
    results.push({ megabytes: mb, medianMs, mbPerSecond, rounds: options.rounds });
    console.log(`baileys encryptedStream ${mb} MB: ${mbPerSecond.toFixed(0)} MB/s (${medianMs.toFixed(1)} ms median of ${options.rounds})`);
    rmSync(path);
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
if (options.out) writeFileSync(options.out, JSON.stringify({ node: process.version, results }, null, 2));

function writeRandomFile(path, bytes) {
  const chunk = Buffer.alloc(1 << 20);
  const fd = openSync(path, 'w');
  try {
    for (let left = bytes; left > 0; left -= chunk.length) {
      randomFillSync(chunk);
      writeSync(fd, chunk, 0, Math.min(chunk.length, left));
    }
  } finally {
    closeSync(fd);
  }
}

function parseArguments(args) {
  const value = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
  };
  return {
    sizes: value('--sizes', '1,16,100').split(',').map(Number),
    rounds: Number(value('--rounds', '5')),
    warmup: Number(value('--warmup', '1')),
    out: value('--out', undefined),
  };
}
