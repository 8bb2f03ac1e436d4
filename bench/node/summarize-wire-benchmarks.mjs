// Turns one run of bench/run-wire-benchmarks.sh into the Markdown tables of docs/BENCHMARKS.md:
// BenchmarkDotNet's full JSON reports for the codec and Noise, the corpus statistics written by
// --export-corpus, and Baileys' figures from baileys-codec-bench.mjs.
//
//   node bench/node/summarize-wire-benchmarks.mjs <run directory>
//
// The run directory holds corpus.json, baileys-before.json, baileys-after.json, machine.txt,
// benchmarkdotnet.log and BenchmarkDotNet's results/.
// Throughput uses the median time per operation on both sides; allocation is BenchmarkDotNet's
// bytes allocated per operation divided by the nodes in the subset.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { count, fixed, time } from './format.mjs';

const TargetRatio = 5;
const run = process.argv[2];
if (!run) {
  console.error('usage: node bench/node/summarize-wire-benchmarks.mjs <run directory>');
  process.exit(2);
}

const corpus = JSON.parse(readFileSync(join(run, 'corpus.json'), 'utf8')).subsets;
const baileysRuns = ['before', 'after'].map((when) => JSON.parse(readFileSync(join(run, `baileys-${when}.json`), 'utf8')));
const baileys = fastestBaileys(baileysRuns);
const benchmarks = loadBenchmarkDotNet(join(run, 'results'));
checkSameCorpus(readFileSync(join(run, 'benchmarkdotnet.log'), 'utf8'));
const lines = [];
const out = (line = '') => lines.push(line);

out('### Machine');
out();
out('```');
out(readFileSync(join(run, 'machine.txt'), 'utf8').trimEnd());
out('```');
out();

out('### Node codec: C# (BenchmarkDotNet)');
out();
out('One operation is one pass over the subset. Nodes/s and MB/s (10^6 bytes of encoded frames, flag byte included) use the median.');
out();
out('| Subset | Benchmark | Median per pass | Mean ± SD per pass | Nodes/s | Elements/s | MB/s | Allocated per node |');
out('|---|---|---:|---:|---:|---:|---:|---:|');
const csharp = {};
for (const subset of Object.keys(corpus)) {
  csharp[subset] = {};
  for (const method of ['Encode', 'EncodeToArray', 'Decode', 'DecodeOwned']) {
    const b = find('NodeCodecBenchmarks', method, `Corpus=${subset}`);
    const stats = corpus[subset];
    const seconds = b.Statistics.Median / 1e9;
    const row = {
      nodesPerSecond: stats.nodes / seconds,
      elementsPerSecond: stats.elements / seconds,
      megabytesPerSecond: stats.frameBytes / 1e6 / seconds,
      allocatedPerNode: b.Memory.BytesAllocatedPerOperation / stats.nodes,
    };
    csharp[subset][method] = row;
    out(`| ${subset} | ${method} | ${time(b.Statistics.Median)} | ${time(b.Statistics.Mean)} ± ${time(b.Statistics.StandardDeviation)} | `
      + `${count(row.nodesPerSecond)} | ${count(row.elementsPerSecond)} | ${fixed(row.megabytesPerSecond)} | ${fixed(row.allocatedPerNode, 0)} B |`);
  }
}
out();
out(`Subsets: ${Object.entries(corpus).map(([name, s]) => `${name} = ${s.nodes} nodes, ${s.elements} elements, ${s.frameBytes} frame bytes`).join('; ')}.`);
out();

out(`### Node codec: Baileys ${baileys.baileys} on Node ${baileys.node} (same run, same corpus)`);
out();
out(`Measured once before and once after BenchmarkDotNet: median and mean of ${baileys.rounds} timed rounds of at least `
  + `${baileys.roundMs} ms each, after warm-up. Nodes/s and MB/s are from the faster of the two runs (marked), which the ratios use.`);
out();
out('| Subset | Benchmark | Median per pass (before / after) | Mean ± SD per pass (faster run) | Nodes/s | MB/s |');
out('|---|---|---:|---:|---:|---:|');
for (const [subset, s] of Object.entries(baileys.subsets)) {
  for (const [name, label] of [['encode', 'encodeBinaryNode'], ['decode', 'await decodeBinaryNode'], ['decodeSync', 'decodeDecompressedBinaryNode (sync)']]) {
    const f = s[name];
    const medians = baileysRuns.map((r, i) => `${time(r.subsets[subset][name].medianMsPerPass * 1e6)}${i === f.run ? '*' : ''}`).join(' / ');
    out(`| ${subset} | ${label} | ${medians} | ${time(f.meanMsPerPass * 1e6)} ± ${time(f.stdDevMsPerPass * 1e6)} | `
      + `${count(f.nodesPerSecond)} | ${fixed(f.megabytesPerSecond)} |`);
  }
}
out();
out(`Baileys' encoder produced byte-identical frames for ${Object.entries(baileys.subsets).map(([n, s]) => `${s.framesIdenticalToOurs}/${s.nodes} (${n})`).join(' and ')} nodes.`);
out();

out(`### Ratio: C# ÷ Baileys (nodes/s; target ≥ ${TargetRatio}x)`);
out();
out('Decoding is compared with the faster of Baileys\' two decoders.');
out();
out('| Subset | Comparison | C# nodes/s | Baileys nodes/s | Ratio | Target |');
out('|---|---|---:|---:|---:|---|');
for (const subset of Object.keys(corpus)) {
  const b = baileys.subsets[subset];
  const bestDecode = b.decode.nodesPerSecond >= b.decodeSync.nodesPerSecond ? ['decode', 'async'] : ['decodeSync', 'sync'];
  const rows = [
    ['Encode (reused buffer) vs encodeBinaryNode', csharp[subset].Encode.nodesPerSecond, b.encode.nodesPerSecond],
    ['EncodeToArray vs encodeBinaryNode', csharp[subset].EncodeToArray.nodesPerSecond, b.encode.nodesPerSecond],
    [`Decode (copies bytes) vs Baileys decode (${bestDecode[1]})`, csharp[subset].Decode.nodesPerSecond, b[bestDecode[0]].nodesPerSecond],
    [`DecodeOwned (views, like Baileys) vs Baileys decode (${bestDecode[1]})`, csharp[subset].DecodeOwned.nodesPerSecond, b[bestDecode[0]].nodesPerSecond],
  ];
  for (const [label, ours, theirs] of rows) {
    const ratio = ours / theirs;
    const verdict = ratio >= TargetRatio ? 'met' : `missed by ${fixed(TargetRatio / ratio, 2)}x`;
    out(`| ${subset} | ${label} | ${count(ours)} | ${count(theirs)} | ${fixed(ratio, 1)}x | ${verdict} |`);
  }
}
out();

out('### Noise transport (AES-256-GCM, one direction)');
out();
out('Per frame. Decrypt includes a fresh receiver per batch (1024 frames of 100 B, 16 of 64 KiB); NewCipher is that cost alone.');
out();
out('| Benchmark | Median per frame | Mean ± SD per frame | Frames/s | MB/s (plaintext) | Allocated per frame |');
out('|---|---:|---:|---:|---:|---:|');
for (const [method, bytes] of [['Encrypt100B', 100], ['Decrypt100B', 100], ['Encrypt64KiB', 65536], ['Decrypt64KiB', 65536], ['NewCipher', 0]]) {
  const b = find('NoiseTransportBenchmarks', method, '');
  const seconds = b.Statistics.Median / 1e9;
  out(`| ${method} | ${time(b.Statistics.Median)} | ${time(b.Statistics.Mean)} ± ${time(b.Statistics.StandardDeviation)} | `
    + `${count(1 / seconds)} | ${bytes ? fixed(bytes / 1e6 / seconds) : '–'} | ${fixed(b.Memory.BytesAllocatedPerOperation, 0)} B |`);
}

console.log(lines.join('\n'));

/** Per subset and operation, the figures of whichever Baileys run was faster (index in `run`). */
function fastestBaileys(runs) {
  const fastest = structuredClone(runs[0]);
  for (const [subset, s] of Object.entries(fastest.subsets)) {
    for (const name of ['encode', 'decode', 'decodeSync']) {
      const best = runs.reduce((b, r, i) => (r.subsets[subset][name].nodesPerSecond > runs[b].subsets[subset][name].nodesPerSecond ? i : b), 0);
      s[name] = { ...runs[best].subsets[subset][name], run: best };
    }
  }
  return fastest;
}

/** The benchmark processes print the corpus they measured; it must be the one exported (sources can change mid-run). */
function checkSameCorpus(log) {
  const seen = [...log.matchAll(/^\/\/ Corpus (\w+): (\d+) nodes, (\d+) frame bytes/gm)];
  if (seen.length === 0) {
    throw new Error('benchmarkdotnet.log has no "// Corpus" line: did NodeCodecBenchmarks run?');
  }
  for (const [, subset, nodes, bytes] of seen) {
    if (corpus[subset]?.nodes !== Number(nodes) || corpus[subset]?.frameBytes !== Number(bytes)) {
      throw new Error(`BenchmarkDotNet measured ${subset} as ${nodes} nodes / ${bytes} bytes, but the export has `
        + `${corpus[subset]?.nodes} / ${corpus[subset]?.frameBytes}: the corpus changed during the run; run again.`);
    }
  }
}

function loadBenchmarkDotNet(directory) {
  const all = [];
  for (const file of readdirSync(directory).filter((name) => name.endsWith('-report-full.json'))) {
    all.push(...JSON.parse(readFileSync(join(directory, file), 'utf8')).Benchmarks);
  }
  return all;
}

function find(type, method, parameters) {
  const found = benchmarks.find((b) => b.Type === type && b.Method === method && (b.Parameters ?? '') === parameters);
  if (!found || !found.Statistics) {
    throw new Error(`No BenchmarkDotNet result for ${type}.${method} ${parameters}: did it run (see the log)?`);
  }
  return found;
}
