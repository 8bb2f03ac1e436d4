// Turns one run of bench/run-crypto-benchmarks.sh into the Markdown table of docs/BENCHMARKS.md
// ("Curve25519: libsodium vs BouncyCastle"): BenchmarkDotNet's full JSON report for Curve25519Benchmarks,
// medians, and each row's median ÷ the libsodium median of its operation.
//
//   node bench/node/summarize-crypto-benchmarks.mjs <run directory>

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { count, fixed, time } from './format.mjs';

const run = process.argv[2];
if (!run) {
  console.error('usage: node bench/node/summarize-crypto-benchmarks.mjs <run directory>');
  process.exit(2);
}

// Operation, libsodium benchmark (the baseline), the BouncyCastle benchmarks beside it.
const Operations = [
  ['X25519 public key from private key', 'SodiumPublicKey', ['BouncyCastlePublicKey']],
  ['X25519 shared secret', 'SodiumAgreement', ['BouncyCastleAgreement']],
  ['Sign 33 B', 'SodiumXEdDsaSign', ['BouncyCastleSign', 'BouncyCastleSignWithPublicKey']],
  ['Verify 33 B', 'SodiumXEdDsaVerify', ['BouncyCastleVerify', 'BouncyCastleXEdDsaVerify']],
];

const benchmarks = [];
for (const file of readdirSync(join(run, 'results')).filter((name) => name.endsWith('Curve25519Benchmarks-report-full.json'))) {
  benchmarks.push(...JSON.parse(readFileSync(join(run, 'results', file), 'utf8')).Benchmarks);
}

const find = (method) => {
  const result = benchmarks.find((b) => b.Type === 'Curve25519Benchmarks' && b.Method === method);
  if (!result?.Statistics) {
    throw new Error(`No BenchmarkDotNet result for Curve25519Benchmarks.${method}`);
  }
  return result;
};
const title = (b) => b.MethodTitle.replace(/^'|'$/g, '');

const lines = ['### Machine', '', '```', readFileSync(join(run, 'machine.txt'), 'utf8').trimEnd(), '```', ''];
lines.push('### Curve25519Benchmarks (BenchmarkDotNet), one process');
lines.push('');
lines.push('Per operation, median. Ratio: median ÷ the libsodium median of the same operation (above 1: slower than libsodium).');
lines.push('');
lines.push('| Operation | Implementation | Median | ops/s | Allocated | Ratio |');
lines.push('|---|---|---:|---:|---:|---:|');
for (const [operation, baseline, others] of Operations) {
  const base = find(baseline);
  for (const b of [base, ...others.map(find)]) {
    const ns = b.Statistics.Median;
    lines.push(`| ${operation} | ${title(b)} | ${time(ns)} | ${count(1e9 / ns)} | ${fixed(b.Memory.BytesAllocatedPerOperation, 0)} B | `
      + `${fixed(ns / base.Statistics.Median, 2)}x |`);
  }
}
console.log(lines.join('\n'));
