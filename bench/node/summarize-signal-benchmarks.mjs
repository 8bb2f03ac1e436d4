// Turns one run of bench/run-signal-benchmarks.sh into the Markdown tables of docs/BENCHMARKS.md:
// BenchmarkDotNet's full JSON report for SignalBenchmarks and libsignal-node's figures from
// libsignal-bench.mjs (the faster of its two runs), with the C# ÷ libsignal-node ratios.
//
//   node bench/node/summarize-signal-benchmarks.mjs <run directory>

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { count, fixed, time } from './format.mjs';

const run = process.argv[2];
if (!run) {
  console.error('usage: node bench/node/summarize-signal-benchmarks.mjs <run directory>');
  process.exit(2);
}

// C# benchmark, libsignal-node operation, what it is, target ratio (null: reported only).
const Rows = [
  ['Encrypt', 'encrypt', '100-byte message, established session', 20],
  ['EncryptAndSerialize', 'encrypt', 'the same, plus serializing the new record (C# only does this)', null],
  ['EncryptCryptoFloor', 'encrypt', 'lower bound: only the cryptography an encrypt needs (23 SHA-256 compressions + AES-256-CBC), no protocol', null],
  ['Decrypt', 'decrypt', '100-byte message, established session, in order', 20],
  ['DecryptCryptoFloor', 'decrypt', 'lower bound: only the cryptography a decrypt needs (23 SHA-256 compressions + AES-256-CBC), no protocol', null],
  ['SessionSetup', 'setup', 'session from a bundle with a one-time prekey', null],
  ['X25519', 'x25519', 'Diffie-Hellman agreement', null],
  ['XEdDsaSign', 'sign', 'XEdDSA signature over 33 bytes', null],
  ['XEdDsaVerify', 'verify', 'XEdDSA verification of 33 bytes', null],
];

const runs = ['before', 'after'].map((when) => JSON.parse(readFileSync(join(run, `libsignal-${when}.json`), 'utf8')));
const benchmarks = [];
for (const file of readdirSync(join(run, 'results')).filter((name) => name.endsWith('-report-full.json'))) {
  benchmarks.push(...JSON.parse(readFileSync(join(run, 'results', file), 'utf8')).Benchmarks);
}

const lines = ['### Machine', '', '```', readFileSync(join(run, 'machine.txt'), 'utf8').trimEnd(), '```', ''];
lines.push(`### C# (BenchmarkDotNet) and libsignal-node ${runs[0].libsignal} on Node ${runs[0].node}, same run`);
lines.push('');
lines.push('Per operation, median. libsignal-node: the faster of its runs before and after BenchmarkDotNet (before / after shown).');
lines.push('');
lines.push('| Operation | C# median | C# ops/s | C# allocated | libsignal-node median (before / after) | libsignal-node ops/s | Ratio | Target |');
lines.push('|---|---:|---:|---:|---:|---:|---:|---|');
for (const [method, op, what, target] of Rows) {
  const ours = benchmarks.find((b) => b.Type === 'SignalBenchmarks' && b.Method === method);
  if (!ours?.Statistics) {
    throw new Error(`No BenchmarkDotNet result for SignalBenchmarks.${method}`);
  }
  const oursNs = ours.Statistics.Median;
  const theirs = runs.map((r) => r.operations[op]);
  const best = theirs.reduce((a, b) => (b.opsPerSecond > a.opsPerSecond ? b : a));
  const ratio = (1e9 / oursNs) / best.opsPerSecond;
  const verdict = target === null ? 'reported' : ratio >= target ? `≥ ${target}x: met` : `≥ ${target}x: missed by ${fixed(target / ratio, 2)}x`;
  lines.push(`| ${method} (${what}) | ${time(oursNs)} | ${count(1e9 / oursNs)} | ${fixed(ours.Memory.BytesAllocatedPerOperation, 0)} B | `
    + `${theirs.map((t) => time(t.medianUsPerOp * 1000)).join(' / ')} | ${count(best.opsPerSecond)} | ${fixed(ratio, 1)}x | ${verdict} |`);
}
console.log(lines.join('\n'));
