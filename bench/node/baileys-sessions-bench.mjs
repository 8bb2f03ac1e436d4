// The Baileys side of the session benchmark (docs/BENCHMARKS.md, "Sessions (issue 11)"): as many Baileys 7.0.0-rc14
// sockets as asked, all in this one Node process, against the simulator the SessionCluster side used (its own process,
// wss, certificate pinned through an https.Agent as tests/Interop/baileys-client-peer.mjs does). Each socket has
// in-memory auth (initAuthCreds + a Map key store: no files), is linked by QR through the admin API
// (POST /admin/accounts/{phone}/link) and restarted after the 515 that follows pair-success, as any Baileys app must.
// Then, like the C# side: with the relay held, the phone of account (i+1) mod K sends texts to account i (one, then
// `--messages` more), the relay is released, and every messages.upsert
// carrying one of those ids counts (the recipient's copy and the sent copy at the sender's companion). Baileys writes
// nothing durable: the count is what it emitted. Memory: process RSS and V8 heap (after global.gc()), after − before.
//   node --expose-gc bench/node/baileys-sessions-bench.mjs --sockets 200 --admin URL --ws URL --root HEX [--prefix 1666]
//        [--messages 10] [--link-concurrency 16] [--inbound-concurrency 64] [--settle 10] [--out baileys.md]
import https from 'node:https';
import { writeFileSync } from 'node:fs';

const base = new URL('../../tests/Interop/node_modules/baileys/lib/', import.meta.url);
const { default: makeWASocket, Browsers, DisconnectReason, WA_CERT_DETAILS, initAuthCreds, proto, BufferJSON } = await import(new URL('index.js', base));
const version = (await import(new URL('../package.json', base), { with: { type: 'json' } })).default.version;

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const count = Number(args.sockets ?? 200);
const prefix = args.prefix ?? '1666';
const perSocket = Number(args.messages ?? 10);
const linkConcurrency = Number(args['link-concurrency'] ?? 16);
const inboundConcurrency = Number(args['inbound-concurrency'] ?? 64);
const settleMs = Number(args.settle ?? 10) * 1000;
const admin = args.admin;
const phone = (i) => prefix + String(i).padStart(7, '0');
const log = (line) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

// libsignal logs whole sessions through console.log/info: silenced, this script reports on stderr and in --out.
console.log = () => {};
console.info = () => {};
if (typeof global.gc !== 'function') {
  throw new Error('run with node --expose-gc');
}

WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(args.root, 'hex');
const pem = await (await fetch(`${admin}/tls/certificate`)).text();
const agent = new https.Agent({ ca: pem });
const silent = { level: 'silent', child: () => silent, trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {} };

async function post(path, body, expected) {
  const response = await fetch(admin + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  if (!expected.includes(response.status)) {
    throw new Error(`POST ${path}: ${response.status} ${text}`);
  }
  return text ? JSON.parse(text) : null;
}

async function pool(items, concurrency, work) {
  let next = 0;
  let failures = 0;
  let firstError = null;
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await work(item);
      } catch (error) {
        failures++;
        firstError ??= error.message;
      }
    }
  }));
  return { failures, firstError };
}

function memoryAuth() {
  const creds = initAuthCreds();
  const data = new Map();
  const keys = {
    get: async (type, ids) => {
      const out = {};
      for (const id of ids) {
        let value = data.get(`${type}/${id}`);
        if (type === 'app-state-sync-key' && value) {
          value = proto.Message.AppStateSyncKeyData.fromObject(value);
        }
        out[id] = value;
      }
      return out;
    },
    set: async (update) => {
      for (const type of Object.keys(update)) {
        for (const [id, value] of Object.entries(update[type])) {
          if (value) data.set(`${type}/${id}`, value);
          else data.delete(`${type}/${id}`);
        }
      }
    },
  };
  return { creds, keys };
}

const upserted = []; // { id, at } for every messages.upsert entry with content; matched against each round's ids
let upserts = 0;

/** Opens socket i, links it by QR, follows the 515 restart; resolves when it is open after the link. */
function link(i) {
  const auth = memoryAuth();
  return new Promise((resolve, reject) => {
    let linked = false;
    const timer = setTimeout(() => reject(new Error(`socket ${i}: not open after 90 s`)), 90_000);
    const open = () => {
      const sock = makeWASocket({
        waWebSocketUrl: args.ws, auth, logger: silent, browser: Browsers.ubuntu('Chrome'), agent, fetchAgent: agent,
        markOnlineOnConnect: false, shouldSyncHistoryMessage: () => false, connectTimeoutMs: 60_000, defaultQueryTimeoutMs: 60_000,
      });
      sock.ev.on('messages.upsert', ({ messages }) => {
        const at = performance.now();
        for (const message of messages) {
          upserts++;
          if (message.message) {
            upserted.push({ id: message.key.id, at });
          }
        }
      });
      sock.ev.on('connection.update', (update) => {
        if (update.qr && !linked) {
          linked = true;
          post(`/accounts/${phone(i)}/link`, { qr: update.qr }, [200]).catch((error) => reject(error));
        }
        if (update.connection === 'open') {
          clearTimeout(timer);
          resolve(sock);
        }
        if (update.connection === 'close') {
          const code = update.lastDisconnect?.error?.output?.statusCode;
          if (code === DisconnectReason.restartRequired) {
            open();
          } else if (!stopping) {
            reject(new Error(`socket ${i} closed: ${code} ${update.lastDisconnect?.error?.message}`));
          }
        }
      });
    };
    open();
  });
}

let stopping = false;
const memory = () => {
  global.gc();
  global.gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, external: m.external };
};
const kib = (bytes) => `${(bytes / 1024).toLocaleString('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 })} KiB`;
const mib = (bytes) => `${Math.round(bytes / 1048576).toLocaleString('en-US')} MiB`;
const ms = (x) => `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms`;
const pct = (sorted, p) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]);

log(`creating ${count} accounts …`);
await pool([...Array(count).keys()], 32, (i) => post('/accounts', { phone: phone(i) }, [201, 409]));
const baseline = memory();
log(`baseline RSS ${mib(baseline.rss)}, heap ${mib(baseline.heap)}`);

const sockets = [];
let started = performance.now();
const linking = await pool([...Array(count).keys()], linkConcurrency, async (i) => {
  sockets[i] = await link(i);
});
const linkSeconds = (performance.now() - started) / 1000;
const open = sockets.filter(Boolean).length;
log(`linked ${open} in ${linkSeconds.toFixed(1)} s (${linking.failures} failed: ${linking.firstError})`);
await new Promise((r) => setTimeout(r, settleMs));
const idle = memory();
const stats = await (await fetch(`${admin}/stats`)).json();
log(`idle RSS ${mib(idle.rss)}, heap ${mib(idle.heap)}; simulator counts ${stats.connections} connections`);

// Inbound in two rounds, as the C# side (InboundLoad.cs): the relay is held while the phones post (their encryption is
// not measured), then released, and the rate is the upserts of the posted ids ÷ (release → last upsert). Round one is
// one text per socket (each opens a Signal session), round two `--messages` per socket on the established sessions.
const firstContact = await inboundRound('first contact (pkmsg)', 1, 0);
const inbound = await inboundRound('established sessions (msg)', perSocket, 1);
const afterTraffic = memory();

const lines = [
  `Baileys ${version} on Node ${process.version}: ${count} sockets asked, all in one process; in-memory auth; simulator in its own process over wss.`,
  '',
  '| Figure | Value |',
  '|---|---:|',
  `| sockets linked by QR and open (${linkConcurrency} in flight) / time | ${open} / ${linkSeconds.toFixed(1)} s |`,
  `| link failures (first error) | ${linking.failures} ${linking.firstError ?? ''} |`,
  `| simulator's count of open connections, idle (both sides' sessions if still open) | ${stats.connections} |`,
  `| baseline RSS / V8 heap used (no socket) | ${mib(baseline.rss)} / ${mib(baseline.heap)} |`,
  `| **per idle open socket (${settleMs / 1000} s after the last link): RSS** / V8 heap used / external | **${kib((idle.rss - baseline.rss) / open)}** / ${kib((idle.heap - baseline.heap) / open)} / ${kib((idle.external - baseline.external) / open)} |`,
  `| process totals idle: RSS / V8 heap used | ${mib(idle.rss)} / ${mib(idle.heap)} |`,
  ...firstContact.rows,
  ...inbound.rows,
  `| per socket after the traffic: RSS / V8 heap used | ${kib((afterTraffic.rss - baseline.rss) / open)} / ${kib((afterTraffic.heap - baseline.heap) / open)} |`,
];
const text = lines.join('\n') + '\n';
process.stdout.write(text);
if (args.out) writeFileSync(args.out, text);
stopping = true;
for (const sock of sockets) sock?.end(undefined);
setTimeout(() => process.exit(linking.failures === 0 && firstContact.failures === 0 && inbound.failures === 0 ? 0 : 1), 500);

async function inboundRound(name, perSocketInRound, firstK) {
  log(`inbound, ${name}: relay held, ${open * perSocketInRound} texts …`);
  await post('/relay/hold', undefined, [200]);
  const ids = new Set();
  const work = [];
  for (let k = firstK; k < firstK + perSocketInRound; k++) for (let i = 0; i < count; i++) if (sockets[i] && sockets[(i + 1) % count]) work.push([i, k]);
  const postStarted = performance.now();
  const posting = await pool(work, inboundConcurrency, async ([i, k]) => {
    const { id } = await post(`/accounts/${phone((i + 1) % count)}/messages`, { to: `${phone(i)}@s.whatsapp.net`, text: `load ${k} to ${i}` }, [201]);
    ids.add(id);
  });
  const postSeconds = (performance.now() - postStarted) / 1000;
  const cpuBefore = process.cpuUsage();
  const releasedAt = performance.now();
  await post('/relay/release', undefined, [200]);
  const expected = ids.size * 2;
  const deadline = performance.now() + 600_000;
  while (performance.now() < deadline) {
    const depth = (await (await fetch(`${admin}/stats`)).json()).offlineQueueDepth;
    // Empty queues: every copy was acked (Baileys acks before it decrypts, so give the last ones a moment to upsert).
    if (depth === 0) {
      await new Promise((r) => setTimeout(r, 1000));
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const cpu = process.cpuUsage(cpuBefore);
  const received = upserted.filter((u) => ids.has(u.id));
  const last = received.reduce((m, r) => Math.max(m, r.at), releasedAt);
  const seconds = (last - releasedAt) / 1000;
  const latencies = received.map((r) => r.at - releasedAt).sort((a, b) => a - b);
  const cpuMs = (cpu.user + cpu.system) / 1000 / Math.max(1, received.length);
  log(`inbound, ${name}: ${received.length}/${expected} upserts in ${seconds.toFixed(1)} s = ${Math.round(received.length / seconds)}/s, CPU ${cpuMs.toFixed(3)} ms each (posts ${ids.size} in ${postSeconds.toFixed(1)} s, ${posting.failures} failed ${posting.firstError})`);
  return {
    failures: posting.failures,
    rows: [
      `| inbound, ${name}: texts posted while the relay held them / failures | ${ids.size} in ${postSeconds.toFixed(1)} s / ${posting.failures} ${posting.firstError ?? ''} |`,
      `| inbound, ${name}: messages.upsert with a posted id and content (recipient + sent copies) | ${received.length} of ${expected} |`,
      `| **inbound messages/s, ${name}** (upserts ÷ release → last upsert) | **${Math.round(received.length / seconds)}** over ${seconds.toFixed(1)} s |`,
      `| inbound, ${name}: Node CPU per message (user + system, the whole process, while draining) | ${cpuMs.toFixed(3)} ms |`,
      `| inbound, ${name}: release → messages.upsert, p50 / p99 | ${ms(pct(latencies, 0.5))} / ${ms(pct(latencies, 0.99))} |`,
    ],
  };
}
