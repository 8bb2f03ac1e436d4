// Summarizes `perf script -F comm,tid,ip,sym,dso` output of the node during the inbound drain
// (bench/run-session-benchmarks.sh --perf): CPU samples by the concern they were spent in, each sample counted once,
// in the first concern found walking from the leaf up; then the managed frames with the most inclusive samples.
// Usage: node summarize-perf.mjs perf-script.txt > cpu-profile.md
import { readFileSync } from 'node:fs';

const concerns = [
  ['SQLite (statements, commit)', /sqlite|Sqlite/],
  ['GC', /GC::|gc_heap|WKS::|SVR::/],
  ['TLS (OpenSSL)', /libssl|libcrypto/],
  ['Signal (decrypt, record)', /Protocol\.Signal|Protocol\.Crypto/],
  ['Noise transport', /Noise\.(NoiseSocket|TransportCipher|FrameSocket)/],
  ['WebSocket and its pipe', /WebSocketDuplexPipe|ManagedWebSocket|SslStream/],
  ['sockets', /System\.Net\.Sockets/],
  ['journal (our SQL journal, Akka write journal)', /AsyncWriteJournal|SessionClusterJournal|WriteJournalBase/],
  ['DeviceRatchetActor', /DeviceRatchetActor/],
  ['SessionActor', /SessionCluster\.Sessions\.SessionActor/],
  ['ConnectionActor', /ConnectionActor/],
  ['Akka.Streams', /Akka\.Streams/],
  ['Akka.Persistence (Eventsourced)', /Akka\.Persistence/],
  ['Akka (mailboxes, dispatch)', /Akka\./],
  ['benchmark driver', /Benchmarks/],
];

const samples = [];
let current = null;
for (const raw of readFileSync(process.argv[2], 'utf8').split('\n')) {
  if (!raw.trim()) { if (current) samples.push(current); current = null; continue; }
  if (!/^\s/.test(raw)) { if (current) samples.push(current); current = []; continue; }
  current?.push(raw.trim());
}
if (current) samples.push(current);

const leafDso = (stack) => (stack[0]?.match(/\(([^()]*)\)$/)?.[1] ?? '?').replace(/.*\//, '');
const concernOf = (stack) => {
  for (const frame of stack) for (const [name, pattern] of concerns) if (pattern.test(frame)) return name;
  const dso = leafDso(stack);
  return dso.startsWith('[kernel') ? 'kernel, no managed caller (threads waking, yielding)' : `native, no managed caller (${dso})`;
};
const count = (keys) => keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map());
const pct = (n) => `${((100 * n) / samples.length).toFixed(1)} %`;
const table = (title, map, limit) => {
  console.log(`| ${title} | share of CPU samples |\n|---|---:|`);
  [...map].sort((a, b) => b[1] - a[1]).slice(0, limit).forEach(([k, v]) => console.log(`| ${k.replaceAll('|', '\\|')} | ${pct(v)} |`));
  console.log();
};

console.log(`${samples.length} CPU samples (perf cpu-clock, every thread of the node process).\n`);
table('Concern (first match from the leaf up)', count(samples.map(concernOf)), 40);
const managed = (frame) => frame.match(/\[(SessionCluster\.[A-Za-z]+)\] (\S+?)(::\S+?)?\(/);
const inclusive = new Map();
for (const stack of samples) {
  const seen = new Set();
  for (const frame of stack) {
    const m = managed(frame);
    if (!m) continue;
    const name = `${m[2]}${m[3] ?? ''}`.replace(/\[[^\]]*\]/g, '').slice(0, 120);
    if (!seen.has(name)) { seen.add(name); inclusive.set(name, (inclusive.get(name) ?? 0) + 1); }
  }
}
table('Our method (inclusive)', inclusive, 30);
