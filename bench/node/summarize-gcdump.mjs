// Groups a `dotnet-gcdump report` (heapstat) by owner, per session, for docs/BENCHMARKS.md "Sessions (issue 11)".
// Each heapstat row is: bytes of one object of the type, count, type [assembly]; the row's bytes are taken as
// bytes × count. For an array size bucket ("(Bytes > 1K)") the report gives one size for all its arrays, the largest
// (seen: 1,140 arrays of 1,624 bytes reported at 4,120 each), so those rows overstate; the dump's own heap total is exact.
//   node bench/node/summarize-gcdump.mjs <idle-gcdump.txt> <sessions>
import { readFileSync } from 'node:fs';

const [file, sessionsText] = process.argv.slice(2);
const sessions = Number(sessionsText);
const groups = [
  ['byte[] of 10 KiB or more (socket, TLS and pipe buffers)', (t) => t.startsWith('System.Byte[] (Bytes > 10K)') || t.startsWith('System.Byte[] (Bytes > 100K)')],
  ['byte[] of 1 to 10 KiB', (t) => t.startsWith('System.Byte[] (Bytes > 1K)')],
  ['byte[] under 1 KiB (keys, ids)', (t) => t === 'System.Byte[]'],
  ['one-time prekeys kept in memory (PreKeyRecord, KeyPair, their immutable map)', (t) => /PreKeyRecord|Crypto\.KeyPair|SortedInt32KeyNode|HashBucket<System\.UInt32/.test(t)],
  ['Akka.Streams (the connection graph)', (t) => t.includes('Akka.Streams')],
  ['Akka actors, mailboxes, timers', (t) => /Akka\.|Envelope/.test(t)],
  ['TLS, WebSocket, sockets, pipelines', (t) => /Security|WebSocket|Sockets|Pipelines|SocketAsync/.test(t)],
  ['SessionCluster.Sessions', (t) => t.includes('SessionCluster.Sessions')],
  ['SessionCluster.Protocol (nodes, Noise)', (t) => t.includes('SessionCluster.Protocol')],
  ['strings', (t) => t.startsWith('System.String')],
  ['everything else', () => true],
];
const totals = new Map(groups.map(([name]) => [name, 0]));
let heap = 0;
let sum = 0;
for (const line of readFileSync(file, 'utf8').split('\n')) {
  const total = line.match(/^\s*([\d,]+)\s+GC Heap bytes/);
  if (total) heap = Number(total[1].replaceAll(',', ''));
  const row = line.match(/^\s*([\d,]+)\s+([\d,]+)\s+(.*?)\s+\[[^\]]*\]\s*$/);
  if (!row) continue;
  const bytes = Number(row[1].replaceAll(',', '')) * Number(row[2].replaceAll(',', ''));
  sum += bytes;
  const [name] = groups.find(([, match]) => match(row[3]));
  totals.set(name, totals.get(name) + bytes);
}
const kib = (b) => (b / 1024).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
console.log(`Heap in the dump: ${kib(heap)} KiB; rows (size × count): ${kib(sum)} KiB; ${sessions} sessions. Array size buckets count each array at the bucket's largest size, so their rows overstate.`);
console.log('');
console.log('| Owner | Per session | Share |');
console.log('|---|---:|---:|');
for (const [name, bytes] of [...totals].sort((a, b) => b[1] - a[1])) {
  console.log(`| ${name} | ${kib(bytes / sessions)} KiB | ${((100 * bytes) / sum).toFixed(0)} % |`);
}
