// Baileys' binary-XML codec (lib/WABinary) over the corpus that
// `dotnet run -c Release --project bench/SessionCluster.Benchmarks -- --export-corpus <path>` writes,
// so that Baileys and the C# codec are measured on the same nodes and the same frames.
//
//   node bench/node/baileys-codec-bench.mjs <corpus.json> [--out <results.json>] [--rounds 15] [--round-ms 250]
//
// For each subset (All, Stanzas) it measures
//   encode       encodeBinaryNode(node): node -> new Buffer with the 0x00 flag byte
//   decode       await decodeBinaryNode(frame): Baileys' public decoder (async: it may inflate)
//   decodeSync   decodeDecompressedBinaryNode(frame.subarray(1), constants): the synchronous inner decoder
// Each (subset, operation) runs in its own Node process, as each BenchmarkDotNet case does. One
// operation is one pass over the subset. After a warm-up, every timed round repeats passes for at
// least --round-ms; the figure is the median (and mean) over rounds of the time per pass. Decoding reads
// the frames our encoder made (the same bytes the C# Decode benchmark reads); encoding starts from the
// canonical JSON form turned into Baileys' node shape before timing starts.
//
// Baileys is loaded from tests/Interop/node_modules, which NpmPeers installs with `npm ci`.

import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { measure, statistics } from './measure.mjs';

const wabinary = new URL('../../tests/Interop/node_modules/baileys/lib/WABinary/', import.meta.url);
let encodeBinaryNode, decodeBinaryNode, decodeDecompressedBinaryNode, constants;
try {
  ({ encodeBinaryNode, decodeBinaryNode, decodeDecompressedBinaryNode } = await import(new URL('index.js', wabinary)));
  constants = await import(new URL('constants.js', wabinary));
} catch (error) {
  console.error(`Cannot load Baileys from ${wabinary.pathname}: run \`npm ci\` in tests/Interop first.\n${error}`);
  process.exit(2);
}

const Subsets = ['All', 'Stanzas'];
const Operations = ['encode', 'decode', 'decodeSync'];
const options = parseArguments(process.argv.slice(2));

if (options.subset) {
  // One measurement in this process; the parent collects it from stdout.
  console.log(JSON.stringify(await measureOne(options.subset, options.op)));
} else {
  const results = {
    baileys: JSON.parse(readFileSync(new URL('../../tests/Interop/node_modules/baileys/package.json', import.meta.url), 'utf8')).version,
    node: process.version,
    rounds: options.rounds,
    roundMs: options.roundMs,
    subsets: {},
  };
  for (const subset of Subsets) {
    for (const op of Operations) {
      const one = measureInChild(subset, op);
      const { figures: measured, ...corpusFacts } = one;
      results.subsets[subset] = { ...results.subsets[subset], ...corpusFacts, [op]: measured };
    }
  }
  const text = JSON.stringify(results, null, 2);
  if (options.out) {
    writeFileSync(options.out, text + '\n');
  }
  console.log(text);
}

/**
 * Each (subset, operation) runs in a fresh Node process, as each BenchmarkDotNet case runs in its own
 * process: V8's inline caches and heap sizing stay shaped by that workload alone. (Decoding the
 * randomized nodes first, for instance, makes Baileys decode the stanzas nearly 2x slower.)
 */
function measureInChild(subset, op) {
  const args = [fileURLToPath(import.meta.url), options.corpus, '--subset', subset, '--op', op,
    '--rounds', String(options.rounds), '--round-ms', String(options.roundMs), '--warmup-ms', String(options.warmupMs)];
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) {
    throw new Error(`measuring ${op} over ${subset} failed (exit ${child.status}):\n${child.stderr}`);
  }
  return JSON.parse(child.stdout);
}

async function measureOne(subset, op) {
  const corpus = JSON.parse(readFileSync(options.corpus, 'utf8'));
  const entries = subset === 'All' ? corpus.nodes : corpus.nodes.filter((entry) => entry.stanza);
  const nodes = entries.map((entry) => toBaileys(entry.node));
  const frames = entries.map((entry) => Buffer.from(entry.frame, 'hex'));
  const check = checkCorpus(entries, nodes, frames);
  const frameBytes = frames.reduce((sum, frame) => sum + frame.length, 0);
  let measured;
  switch (op) {
    case 'encode':
      measured = await measure(() => {
        let written = 0;
        for (const node of nodes) {
          written += encodeBinaryNode(node).length;
        }
        return written;
      }, options);
      break;
    case 'decode':
      measured = await measure(async () => {
        let attributes = 0;
        for (const frame of frames) {
          attributes += Object.keys((await decodeBinaryNode(frame)).attrs).length;
        }
        return attributes;
      }, options);
      break;
    case 'decodeSync':
      measured = await measure(() => {
        let attributes = 0;
        for (const frame of frames) {
          attributes += Object.keys(decodeDecompressedBinaryNode(frame.subarray(1), constants).attrs).length;
        }
        return attributes;
      }, options);
      break;
    default:
      usage(`unknown operation ${op}`);
  }
  return {
    nodes: nodes.length,
    frameBytes,
    // What each side encodes could differ where our encoder avoids one of Baileys' lossy choices (docs/PROTOCOL.md §4).
    baileysEncodedBytes: check.baileysEncodedBytes,
    framesIdenticalToOurs: check.identical,
    figures: figures(measured, nodes.length, op === 'encode' ? check.baileysEncodedBytes : frameBytes),
  };
}

/** Canonical JSON -> the node shape Baileys' encoder takes (attributes as an object, in order). */
function toBaileys(json) {
  const attrs = {};
  for (const [key, value] of json.attrs) {
    attrs[key] = value;
  }
  const node = { tag: json.tag, attrs };
  const content = json.content;
  if (content === null) {
    return node;
  }
  if (typeof content.text === 'string') {
    node.content = content.text;
  } else if (typeof content.bytes === 'string') {
    node.content = Buffer.from(content.bytes, 'hex');
  } else {
    node.content = content.children.map(toBaileys);
  }
  return node;
}

/** Fails loudly unless Baileys decodes every frame and encodes every node; counts frames identical to ours. */
function checkCorpus(entries, nodes, frames) {
  let identical = 0;
  let baileysEncodedBytes = 0;
  for (let i = 0; i < entries.length; i++) {
    const wanted = entries[i].node.attrs.map(([key]) => key);
    if (Object.keys(nodes[i].attrs).some((key, k) => key !== wanted[k])) {
      throw new Error(`${entries[i].name}: attribute order cannot be represented in a JS object`);
    }
    let encoded;
    try {
      encoded = encodeBinaryNode(nodes[i]);
      const decoded = decodeDecompressedBinaryNode(frames[i].subarray(1), constants);
      if (decoded.tag !== entries[i].node.tag) {
        throw new Error(`decoded <${decoded.tag}>, expected <${entries[i].node.tag}>`);
      }
    } catch (error) {
      throw new Error(`${entries[i].name}: Baileys cannot process this node: ${error.message}`);
    }
    baileysEncodedBytes += encoded.length;
    if (encoded.equals(frames[i])) {
      identical++;
    }
  }
  return { identical, baileysEncodedBytes };
}

function figures({ perPass, passesPerRound }, nodes, bytes) {
  const { medianMs, meanMs, stdDevMs } = statistics(perPass);
  return {
    medianMsPerPass: medianMs,
    meanMsPerPass: meanMs,
    stdDevMsPerPass: stdDevMs,
    passesPerRound,
    nodesPerSecond: nodes / (medianMs / 1000),
    megabytesPerSecond: bytes / 1e6 / (medianMs / 1000),
  };
}

function parseArguments(args) {
  const parsed = { corpus: undefined, out: undefined, rounds: 15, roundMs: 250, warmupMs: 1500 };
  for (let i = 0; i < args.length; i++) {
    switch (args[i]) {
      case '--out': parsed.out = args[++i]; break;
      case '--rounds': parsed.rounds = Number(args[++i]); break;
      case '--round-ms': parsed.roundMs = Number(args[++i]); break;
      case '--warmup-ms': parsed.warmupMs = Number(args[++i]); break;
      // Internal: measure one (subset, operation) in this process.
      case '--subset': parsed.subset = args[++i]; break;
      case '--op': parsed.op = args[++i]; break;
      default:
        if (parsed.corpus === undefined && !args[i].startsWith('--')) {
          parsed.corpus = args[i];
        } else {
          usage(`unknown argument ${args[i]}`);
        }
    }
  }
  if (!parsed.corpus || !(parsed.rounds > 0) || !(parsed.roundMs > 0) || !(parsed.warmupMs >= 0)) {
    usage('a corpus path is required; --rounds, --round-ms must be positive');
  }
  if (Boolean(parsed.subset) !== Boolean(parsed.op) || (parsed.subset && !Subsets.includes(parsed.subset))
    || (parsed.op && !Operations.includes(parsed.op))) {
    usage(`--subset (${Subsets}) and --op (${Operations}) go together`);
  }
  return parsed;
}

function usage(problem) {
  console.error(`${problem}\nusage: node bench/node/baileys-codec-bench.mjs <corpus.json> [--out <results.json>] [--rounds 15] [--round-ms 250] [--warmup-ms 1500]`);
  process.exit(2);
}
