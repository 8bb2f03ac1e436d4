// One complete Baileys client (makeWASocket, baileys 7.0.0-rc14) per process, pointed at the
// SessionCluster simulator and driven over the JSON-lines protocol of peer-protocol.mjs. The C#
// wrapper is tests/SessionCluster.Interop.Tests/Simulator/BaileysClient.cs.
//
// How Baileys is pointed at the simulator (nothing of Baileys is patched on disk):
//   - waWebSocketUrl = the simulator's ws://…/ws/chat, or wss://… when it runs with --tls;
//   - WA_CERT_DETAILS.PUBLIC_KEY = the simulator's root key, so Baileys' Noise certificate check
//     trusts the simulator's chain instead of WhatsApp's;
//   - TLS, two ways:
//     - start({ caPem }): the simulator's certificate (GET /admin/tls/certificate) is the ONLY trusted
//       CA, pinned through the options Baileys passes on: `agent` (an https.Agent with `ca`, which
//       Socket/Client/websocket.js hands to `new WebSocket(url, { agent })` of the ws package),
//       `fetchAgent` (the same agent; media upload goes through https.request with it) and, for the
//       download (native fetch, which takes only an undici dispatcher), downloadMediaMessage's
//       options.dispatcher = an undici Agent with connect.ca. NODE_TLS_REJECT_UNAUTHORIZED stays unset.
//     - without caPem: NODE_TLS_REJECT_UNAUTHORIZED=0 is set in THIS process only, for the simulator's
//       self-signed media host (/mms/…) next to a plain ws:// chat socket;
//   - useMultiFileAuthState(authDir): credentials and Signal keys live in a folder, so a restart or
//     a second process (conflict test) reuses them; every creds.update is saved, and the driver
//     waits for pending saves before a 515 restart, `end` and `logout`.
//
// Ops (request args → result):
//   start({ url, rootPublicKeyHex, authDir, caPem?, phoneForPairingCode?, browser?: [os, browser, version],
//           markOnlineOnConnect? (false), logLevel? ('warn': trace|debug|info|warn|error|silent),
//           connectTimeoutMs? (20000), defaultQueryTimeoutMs? (60000), qrTimeoutMs?, maxRestarts? (5),
//           skipHistorySync? (false) })
//       → { generation, registered, me }     creates the socket; progress arrives as events.
//       Calling start again after a close (or `end`) reconnects with the same auth folder.
//       On the first login after linking, Baileys buffers messages.upsert, receipts and group updates
//       until the phone's history sync notification arrives or 20 s pass; skipHistorySync: true
//       makes it go online at once (shouldSyncHistoryMessage → false, which Baileys warns about).
//   requestPairingCode({ phone, customCode? }) → { code }   waits for the socket's first QR (the
//       moment the server accepted the registration payload), then sends companion_hello.
//   sendText({ to, text })                 → { id, key }
//   sendImage({ to, bytes (base64), caption?, mimetype? ('image/jpeg') }) → { id, key }
//   sendContent({ to, content, quotedId?, statusJidList? }) → { id, key }   any Baileys content; { base64 } members become Buffers;
//       statusJidList with to = status@broadcast posts a status to those users
//   downloadMedia({ id })                  → { base64, length, sha256 }   for a received media message
//   updateMedia({ id })                    → { directPath }   Baileys' updateMediaMessage (media retry) for a
//       received media message: asks the sender to upload it again and keeps the new path for downloadMedia
//   readMessages({ keys: [key…] })         → null     sends read receipts
//   sendPresenceUpdate({ type, to? })      → null     sock.sendPresenceUpdate: 'available' | 'unavailable' for the
//       account (Baileys sends it only when creds.me.name is set), 'composing' | 'recording' | 'paused' shown in chat `to`
//   groupCreate({ subject, participants }) → group metadata summary
//   groupMetadata({ jid })                 → group metadata summary
//   dropSession({ jid })                   → { deleted: [ids that existed], checked: [ids] }  deletes
//       the Signal session(s) with that contact, for the retry-receipt test: the JID's own address and
//       its mapped LID's; for a JID without a device (user@s.whatsapp.net) every device's session of
//       that user in the auth folder. Verified gone afterwards.
//   hasSession({ jid })                    → { exists, reason? }
//   lidAddressing({ pn })                  → { sessions: [every Signal session id in the auth folder],
//       lidForPn, pnForLid }   the LID mapping stored for `pn` and back (null when none), read from the
//       key store without a usync, for the LID addressing tests (which address a contact's sessions
//       are kept under, what Baileys learnt from the server).
//   pollVote({ to, pollId, options, tamper? }) → { id, key }   votes on a poll this client received, sealed with
//       Baileys' own exported helpers (hmacSign, aesEncryptGCM, sha256; Baileys 7 has no vote content for
//       sendMessage) as decryptPollVote opens it, and sent with relayMessage; tamper flips a byte of the payload.
//   decryptPollVote({ voteId, pollId })    → { options, pollCreatorJid, voterJid }   Baileys' own decryptPollVote and
//       getAggregateVotesInPollMessage on a received vote for a poll this client sent, with the jids Baileys 6's
//       process-message used (getKeyAuthor of the poll's and the vote's keys) and their other forms (PN/LID).
//   logout()                               → null     remove-companion-device, then close (401)
//   end()                                  → null     closes the socket without logging out
//   state()                                → { generation, connection, restarts, registered, me,
//                                              lastDisconnect, qrCount, started, tlsPinned,
//                                              tlsRejectUnauthorizedEnv }
//
// Events ({"event", "data"} lines, in the order Baileys produced them):
//   qr          { qr, generation }         the raw QR string, as Baileys builds it:
//                                          https://wa.me/settings/linked_devices#ref,noiseKey,identityKey,advSecret,platform
//   pairingCode { code, generation }       after requestPairingCode or start's phoneForPairingCode
//   connection  { generation, connection?, statusCode?, error?, errorData?, isNewLogin?, qr?,
//                 receivedPendingNotifications?, isOnline? }        every connection.update
//   restart     { generation, previousGeneration, statusCode, attempt }   a new socket after 515
//   creds       { generation, me, lid, name, registered, platform, paired }   after every creds.update
//   message     { generation, upsertType, key, pushName, timestamp, type, text, caption, hasMedia,
//                 mimetype, fileName, ptt, reaction: { key, text } | null, content (the normalized
//                 message as JSON: bytes base64, longs as numbers),
//                 stubType, stubName, stubParameters, status }   one per messages.upsert entry
//   receipt     { generation, source: 'messages.update' | 'message-receipt.update', key, status,
//                 statusName, userJid, receiptTimestamp, readTimestamp, update }
//   group       { generation, kind: 'groups.upsert' | 'groups.update' | 'group-participants.update', data }
//   error       { origin, message, stack }  unhandled rejections, exceptions, failed restarts
//   decryptFailure { generation, id, remoteJid, participant, messageType, errorName, error }
//                                          Baileys logged "failed to decrypt message" (at any log level; some
//                                          failures are nacked without a messages.upsert stub)
//   encryptFailure { generation, jid, errorName, error }
//                                          Baileys logged "Failed to encrypt for recipient": that device was left
//                                          out of a message it sent (the log names no message id)
//
// Restart after stream error 515: Baileys' makeWASocket never reconnects by itself. After pair-success
// the server ends the stream with code 515 (restartRequired); Baileys emits connection 'close' with
// that status, and this driver then (exactly like Baileys' example) waits for the pending creds
// saves and creates a new socket with the same auth state, emitting `restart` first. Only 515 is
// restarted automatically (at most maxRestarts times in a row without reaching 'open'); every other
// close is reported and left to the test (e.g. 440 conflict, 401 logged out, 428 connection closed).

import { createHash } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import https from 'node:https';
import { Agent as UndiciAgent } from 'undici';
import makeWASocket, {
  Browsers,
  DisconnectReason,
  WA_CERT_DETAILS,
  aesEncryptGCM,
  decryptPollVote as baileysDecryptPollVote,
  downloadMediaMessage,
  generateMessageIDV2,
  getAggregateVotesInPollMessage,
  getContentType,
  getKeyAuthor,
  hmacSign,
  jidNormalizedUser,
  sha256,
  jidDecode,
  normalizeMessageContent,
  proto,
  useMultiFileAuthState,
} from 'baileys';
import { emit, runPeer } from './peer-protocol.mjs';
import { capturedConsole } from './signal-peer-support.mjs';

// libsignal (inside Baileys) logs through console.log/info, whole session entries with private keys among them;
// stdout carries the peer protocol only, so every console line goes to stderr, one terse line each.
capturedConsole('libsignal');

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

/** Converts Baileys values (Buffers, Longs, Booms, protobuf objects, cycles) to plain JSON. */
function plain(value, depth = 0, seen = new WeakSet()) {
  if (value === null || value === undefined) {
    return null;
  }
  if (typeof value === 'bigint') {
    return value.toString();
  }
  if (typeof value !== 'object') {
    return typeof value === 'function' ? undefined : value;
  }
  if (value instanceof Uint8Array) {
    return Buffer.from(value).toString('base64');
  }
  if (value?.type === 'Buffer' && Array.isArray(value.data)) {
    return Buffer.from(value.data).toString('base64');
  }
  if (typeof value.toNumber === 'function' && 'low' in value && 'high' in value) {
    return value.toNumber();
  }
  if (value instanceof Date) {
    return value.toISOString();
  }
  if (value instanceof Error) {
    return { name: value.name, message: value.message, statusCode: value.output?.statusCode ?? null };
  }
  if (depth > 12 || seen.has(value)) {
    return '[…]';
  }
  seen.add(value);
  if (Array.isArray(value)) {
    return value.map((item) => plain(item, depth + 1, seen) ?? null);
  }
  const result = {};
  for (const [name, item] of Object.entries(value)) {
    const converted = plain(item, depth + 1, seen);
    if (converted !== undefined) {
      result[name] = converted;
    }
  }
  return result;
}

// What Baileys logs (Utils/decode-wa-message.js) when a message does not decrypt. Not every failure surfaces as a
// CIPHERTEXT stub: one whose cause is "Key used already or never filled" is nacked and never upserted.
const DECRYPT_FAILED = 'failed to decrypt message';
// What Baileys logs (Socket/messages-send.js) when it cannot encrypt a message for one device of a fan-out: it leaves
// that device out of the message and sends the rest.
const ENCRYPT_FAILED = 'Failed to encrypt for recipient';

/** Emits `decryptFailure` for Baileys' log line of a failed decryption, whatever the log level. */
function reportDecryptFailure(fields) {
  const key = fields?.key ?? {};
  const err = fields?.err ?? {};
  emit('decryptFailure', {
    generation,
    id: key.id ?? null,
    remoteJid: key.remoteJid ?? null,
    participant: key.participant ?? null,
    messageType: fields?.messageType ?? null,
    errorName: err.name ?? null,
    error: err.message ?? String(err),
  });
}

/** A pino-shaped logger writing JSON lines to stderr, which the C# side keeps as the stderr tail. */
function makeLogger(level, bindings = {}) {
  const threshold = LEVELS[level] ?? LEVELS.warn;
  const write = (name) => (first, second) => {
    if (LEVELS[name] < threshold) {
      return;
    }
    const fields = typeof first === 'object' && first !== null ? plain(first) : {};
    const msg = typeof first === 'string' ? first : typeof second === 'string' ? second : undefined;
    if (name === 'error' && msg === DECRYPT_FAILED) {
      reportDecryptFailure(first);
    }
    if (name === 'error' && msg === ENCRYPT_FAILED) {
      emit('encryptFailure', { generation, jid: first?.jid ?? null, errorName: first?.err?.name ?? null, error: first?.err?.message ?? String(first?.err) });
    }
    process.stderr.write(JSON.stringify({ level: name, time: new Date().toISOString(), ...bindings, msg, ...fields }) + '\n');
  };
  return {
    level,
    child: (more) => makeLogger(level, { ...bindings, ...more }),
    trace: write('trace'),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    fatal: write('fatal'),
  };
}

function reportError(origin, error) {
  emit('error', {
    origin,
    message: error instanceof Error ? error.message : String(error),
    stack: error instanceof Error ? (error.stack ?? null) : null,
  });
}

process.on('unhandledRejection', (reason) => reportError('unhandledRejection', reason));
process.on('uncaughtException', (error) => reportError('uncaughtException', error));

let options = null; // the last start() arguments
let auth = null; // { dir, state, saveCreds }
let logger = makeLogger('warn');
let sock = null;
let generation = 0;
let connection = 'idle';
let lastDisconnect = null;
let restartsInARow = 0;
let totalRestarts = 0;
let qrCount = 0;
let qrGeneration = 0; // the socket generation that showed the latest QR
let stopping = false;
let pairingRequested = false;
let qrWaiters = [];
const pendingSaves = new Set();
const sentMessages = new Map(); // id → proto.IMessage, answered to Baileys' getMessage for retries
let sendsInFlight = 0; // sendMessage calls not yet returned (their ids are not in sentMessages yet)
const receivedMessages = new Map(); // id → WAMessage, for downloadMedia
const sentQuoted = new Map(); // id → the WAMessage sendMessage returned, for sendContent's quotedId
let pinned = null; // { agent, dispatcher } trusting only start's caPem; null when none was given

function trackSave() {
  const save = auth.saveCreds().catch((error) => reportError('saveCreds', error));
  pendingSaves.add(save);
  save.finally(() => pendingSaves.delete(save));
}

async function flushSaves() {
  await Promise.allSettled([...pendingSaves]);
}

function credsSummary() {
  const creds = auth.state.creds;
  return {
    generation,
    me: creds.me?.id ?? null,
    lid: creds.me?.lid ?? null,
    name: creds.me?.name ?? null,
    registered: creds.registered === true,
    platform: creds.platform ?? null,
    paired: Boolean(creds.me?.id && creds.account),
  };
}

function keySummary(key) {
  return key ? plain(key) : null;
}

function summarizeMessage(message, upsertType) {
  const content = normalizeMessageContent(message.message);
  const type = content ? (getContentType(content) ?? null) : null;
  const text = content?.conversation ?? content?.extendedTextMessage?.text ?? null;
  const media = type ? content[type] : null;
  const stubType = message.messageStubType ?? null;
  return {
    generation,
    upsertType,
    key: keySummary(message.key),
    pushName: message.pushName ?? null,
    timestamp: plain(message.messageTimestamp),
    type,
    text,
    caption: media?.caption ?? null,
    hasMedia: Boolean(media?.mediaKey),
    mimetype: media?.mimetype ?? null,
    fileName: media?.fileName ?? null,
    ptt: media?.ptt ?? null,
    reaction: content?.reactionMessage
      ? { key: keySummary(content.reactionMessage.key), text: content.reactionMessage.text ?? null }
      : null,
    content: content ? plain(content) : null,
    stubType,
    stubName: stubType === null ? null : (proto.WebMessageInfo.StubType[stubType] ?? null),
    stubParameters: message.messageStubParameters ?? [],
    status: message.status ?? null,
  };
}

function guard(origin, handler) {
  return (data) => {
    try {
      const result = handler(data);
      if (result && typeof result.catch === 'function') {
        result.catch((error) => reportError(origin, error));
      }
    } catch (error) {
      reportError(origin, error);
    }
  };
}

function currentSocket() {
  if (!sock) {
    throw new Error('no socket: call start first');
  }
  return sock;
}

function createSocket() {
  generation++;
  const own = generation;
  qrWaiters = [];
  const browser = options.browser ?? Browsers.ubuntu('Chrome');
  const socket = makeWASocket({
    waWebSocketUrl: options.url,
    auth: auth.state,
    logger,
    browser,
    markOnlineOnConnect: options.markOnlineOnConnect === true,
    connectTimeoutMs: options.connectTimeoutMs ?? 20_000,
    defaultQueryTimeoutMs: options.defaultQueryTimeoutMs ?? 60_000,
    qrTimeout: options.qrTimeoutMs,
    getMessage: (key) => sentMessage(key.id),
    ...(pinned ? { agent: pinned.agent, fetchAgent: pinned.agent } : {}),
    // Only when asked: Baileys' default (wait up to 20 s for the phone's history sync after the
    // first login, buffering messages and receipts meanwhile) stays in force otherwise.
    ...(options.skipHistorySync === true ? { shouldSyncHistoryMessage: () => false } : {}),
  });
  sock = socket;
  connection = 'connecting';
  const ev = socket.ev;
  const mine = () => own === generation;

  ev.on('creds.update', guard('creds.update', () => {
    trackSave();
    emit('creds', credsSummary());
  }));

  ev.on('connection.update', guard('connection.update', (update) => onConnectionUpdate(own, mine(), update)));

  ev.on('messages.upsert', guard('messages.upsert', ({ messages, type }) => {
    for (const message of messages) {
      if (message.key?.id) {
        receivedMessages.set(message.key.id, message);
      }
      emit('message', summarizeMessage(message, type));
    }
  }));

  ev.on('messages.update', guard('messages.update', (updates) => {
    for (const { key, update } of updates) {
      const status = update?.status ?? null;
      emit('receipt', {
        generation: own,
        source: 'messages.update',
        key: keySummary(key),
        status,
        statusName: status === null ? null : (proto.WebMessageInfo.Status[status] ?? null),
        userJid: null,
        receiptTimestamp: null,
        readTimestamp: null,
        update: plain(update),
      });
    }
  }));

  ev.on('message-receipt.update', guard('message-receipt.update', (updates) => {
    for (const { key, receipt } of updates) {
      emit('receipt', {
        generation: own,
        source: 'message-receipt.update',
        key: keySummary(key),
        status: null,
        statusName: receipt?.readTimestamp ? 'READ' : receipt?.receiptTimestamp ? 'DELIVERY_ACK' : null,
        userJid: receipt?.userJid ?? null,
        receiptTimestamp: plain(receipt?.receiptTimestamp),
        readTimestamp: plain(receipt?.readTimestamp),
        update: plain(receipt),
      });
    }
  }));

  // App state (chatModify, server_sync): archive, pin, mute and read changes Baileys applied after its MAC checks.
  ev.on('chats.update', guard('chats.update', (data) => emit('chats', { generation: own, kind: 'chats.update', data: plain(data) })));

  for (const kind of ['groups.upsert', 'groups.update', 'group-participants.update']) {
    ev.on(kind, guard(kind, (data) => emit('group', { generation: own, kind, data: plain(data) })));
  }

  return socket;
}

function onConnectionUpdate(own, isCurrent, update) {
  const error = update.lastDisconnect?.error;
  const statusCode = error?.output?.statusCode ?? null;
  emit('connection', {
    generation: own,
    connection: update.connection ?? null,
    statusCode,
    error: error ? (error.message ?? String(error)) : null,
    errorData: error?.data ? plain(error.data) : null,
    isNewLogin: update.isNewLogin ?? null,
    qr: update.qr ?? null,
    receivedPendingNotifications: update.receivedPendingNotifications ?? null,
    isOnline: update.isOnline ?? null,
  });
  if (!isCurrent) {
    return;
  }

  if (update.qr) {
    qrCount++;
    qrGeneration = own;
    emit('qr', { qr: update.qr, generation: own });
    const waiters = qrWaiters;
    qrWaiters = [];
    for (const waiter of waiters) {
      waiter();
    }
    if (options.phoneForPairingCode && !pairingRequested && !auth.state.creds.me?.id) {
      pairingRequested = true;
      requestPairingCode({ phone: options.phoneForPairingCode }).catch((failure) => reportError('phoneForPairingCode', failure));
    }
  }

  if (update.connection) {
    connection = update.connection;
  }
  if (update.connection === 'open') {
    restartsInARow = 0;
  }
  if (update.connection === 'close') {
    lastDisconnect = { statusCode, error: error ? (error.message ?? String(error)) : null, date: new Date().toISOString() };
    const waiters = qrWaiters;
    qrWaiters = [];
    for (const waiter of waiters) {
      waiter.fail();
    }
    if (statusCode === DisconnectReason.restartRequired && !stopping) {
      restartAfter515(own, statusCode).catch((failure) => reportError('restart', failure));
    }
  }
}

async function restartAfter515(previousGeneration, statusCode) {
  const limit = options.maxRestarts ?? 5;
  if (restartsInARow >= limit) {
    throw new Error(`stream error ${statusCode} asked for a restart ${restartsInARow + 1} times in a row without reaching 'open'; not restarting again (maxRestarts ${limit})`);
  }
  restartsInARow++;
  totalRestarts++;
  // The pair-success creds (me, account, platform) must be on disk before the next login, so a
  // second process started from the same folder sees them too.
  await flushSaves();
  if (stopping || previousGeneration !== generation) {
    return;
  }
  emit('restart', { generation: generation + 1, previousGeneration, statusCode, attempt: restartsInARow });
  createSocket();
}

async function start(args) {
  const { url, rootPublicKeyHex, authDir } = args ?? {};
  if (typeof url !== 'string' || typeof rootPublicKeyHex !== 'string' || typeof authDir !== 'string') {
    throw new Error('start needs { url, rootPublicKeyHex, authDir } as strings');
  }
  const root = Buffer.from(rootPublicKeyHex, 'hex');
  if (root.length !== 32) {
    throw new Error(`rootPublicKeyHex must be 32 bytes of hex, got ${root.length} bytes`);
  }
  if (sock && connection !== 'close') {
    throw new Error(`a socket is already ${connection} (generation ${generation}); call end first`);
  }
  if (args.caPem !== undefined && args.caPem !== null && (typeof args.caPem !== 'string' || !args.caPem.includes('BEGIN CERTIFICATE'))) {
    throw new Error('caPem must be a PEM certificate');
  }
  options = { ...args };
  logger = makeLogger(args.logLevel ?? 'warn', { peer: 'baileys-client' });
  pinTls(args.caPem ?? null);
  // Baileys reads this at every handshake; the simulator's chain is signed by this root.
  WA_CERT_DETAILS.PUBLIC_KEY = root;
  if (!auth || auth.dir !== authDir) {
    await mkdir(authDir, { recursive: true });
    const { state, saveCreds } = await useMultiFileAuthState(authDir);
    auth = { dir: authDir, state, saveCreds };
    // Baileys saves only on creds.update; saving now means the folder always holds the keys this
    // socket shows the server (noise key, identity), even if the process dies before pairing.
    await saveCreds();
  }
  stopping = false;
  pairingRequested = false;
  restartsInARow = 0;
  createSocket();
  return { generation, registered: auth.state.creds.registered === true, me: auth.state.creds.me?.id ?? null };
}

/** Trusts exactly caPem for every TLS connection Baileys makes, or (none given) lets this process skip verification. */
function pinTls(caPem) {
  if (caPem === null) {
    if (pinned !== null) {
      throw new Error('start without caPem after a start with it: this process pins the simulator certificate');
    }
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    return;
  }
  if (process.env.NODE_TLS_REJECT_UNAUTHORIZED === '0') {
    throw new Error('caPem given after a start without it turned verification off in this process');
  }
  pinned = {
    agent: new https.Agent({ ca: caPem }),
    dispatcher: new UndiciAgent({ connect: { ca: caPem } }),
  };
}

function waitForQr(timeoutMs) {
  if (qrGeneration === generation && connection !== 'close') {
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no QR (pair-device) within ${timeoutMs} ms; connection is ${connection}`)), timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    done.fail = () => {
      clearTimeout(timer);
      reject(new Error(`the connection closed before a QR arrived (${JSON.stringify(lastDisconnect)})`));
    };
    qrWaiters.push(done);
  });
}

async function requestPairingCode({ phone, customCode }) {
  if (typeof phone !== 'string' || !/^\d+$/.test(phone)) {
    throw new Error('requestPairingCode needs { phone } as digits only');
  }
  pairingRequested = true;
  const socket = currentSocket();
  await waitForQr(30_000);
  const code = await socket.requestPairingCode(phone, customCode);
  emit('pairingCode', { code, generation });
  return { code };
}

async function send(to, content, options) {
  sendsInFlight++;
  let message;
  try {
    message = await currentSocket().sendMessage(to, content, options);
  } finally {
    sendsInFlight--;
  }
  if (!message?.key?.id) {
    throw new Error(`sendMessage to ${to} returned no message key`);
  }
  sentMessages.set(message.key.id, message.message);
  sentQuoted.set(message.key.id, message);
  return { id: message.key.id, key: keySummary(message.key) };
}

// Baileys' getMessage, asked when a retry receipt comes back. On loopback the receipt can arrive before
// sendMessage has returned the message to us, and an undefined answer drops the resend for good: while
// sends are in flight, wait (at most 5 s) for the id to be recorded.
async function sentMessage(id) {
  const deadline = Date.now() + 5_000;
  while (!sentMessages.has(id) && sendsInFlight > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return sentMessages.get(id);
}

function sendText({ to, text }) {
  return send(to, { text });
}

// Any Baileys message content as JSON (text, react, edit, delete, location, contacts, poll, image/video/audio/
// document/sticker, ...): a member given as { base64 } becomes a Buffer (the file of a media content), and quotedId
// names a message this client received or sent, which the new one quotes (a reply).
function sendContent({ to, content, quotedId, statusJidList }) {
  const decoded = Object.fromEntries(Object.entries(content).map(([name, value]) =>
    [name, value && typeof value === 'object' && typeof value.base64 === 'string' ? Buffer.from(value.base64, 'base64') : value]));
  let options;
  if (quotedId) {
    const quoted = receivedMessages.get(quotedId) ?? (sentMessages.has(quotedId) ? sentQuoted.get(quotedId) : undefined);
    if (!quoted) {
      throw new Error(`no message ${quotedId} to quote`);
    }
    options = { quoted };
  }
  if (statusJidList) {
    // A status (to = status@broadcast) goes to these users' devices only (Baileys relayMessage statusJidList).
    options = { ...options, statusJidList };
  }
  return send(to, decoded, options);
}

function sendImage({ to, bytes, caption, mimetype }) {
  return send(to, { image: Buffer.from(bytes, 'base64'), caption, mimetype: mimetype ?? 'image/jpeg' });
}

async function downloadMedia({ id }) {
  const message = receivedMessages.get(id);
  if (!message) {
    throw new Error(`no received message with id ${id}`);
  }
  const socket = currentSocket();
  const buffer = await downloadMediaMessage(message, 'buffer', pinned ? { options: { dispatcher: pinned.dispatcher } } : {}, { logger, reuploadRequest: socket.updateMediaMessage });
  return { base64: buffer.toString('base64'), length: buffer.length, sha256: createHash('sha256').update(buffer).digest('hex') };
}

// Called directly: rc14's downloadMediaMessage reads error.status, which a Boom 404 does not set, so it never retries itself.
async function updateMedia({ id }) {
  const message = receivedMessages.get(id);
  if (!message) {
    throw new Error(`no received message with id ${id}`);
  }
  const socket = currentSocket();
  // updateMediaMessage builds the new URL from the host media_conn named, known only once media_conn was asked.
  await socket.refreshMediaConn();
  const updated = await socket.updateMediaMessage(message);
  receivedMessages.set(id, updated);
  const content = Object.values(updated.message ?? {}).find(part => part && typeof part === 'object' && 'directPath' in part);
  return { directPath: content?.directPath ?? null };
}

async function readMessages({ keys }) {
  await currentSocket().readMessages(keys);
  return null;
}

function groupSummary(metadata) {
  return {
    id: metadata.id,
    subject: metadata.subject,
    owner: metadata.owner ?? null,
    participants: (metadata.participants ?? []).map((participant) => ({ id: participant.id, admin: participant.admin ?? null })),
  };
}

async function groupCreate({ subject, participants }) {
  return groupSummary(await currentSocket().groupCreate(subject, participants));
}

async function groupMetadata({ jid }) {
  return groupSummary(await currentSocket().groupMetadata(jid));
}

/** The Signal user part of an address ("15550001111" or "272322497308592_1" for a LID). */
function signalUser(address) {
  return address.slice(0, address.lastIndexOf('.'));
}

/**
 * The session ids (libsignal addresses, as the auth state stores them) to drop for `jid`: its own
 * address and its mapped LID's; for a JID without a device, every device's session of that user
 * (PN and LID) found in the auth folder, since Baileys keeps one session per device.
 */
async function sessionIdsFor(jid) {
  const repository = currentSocket().signalRepository;
  const ids = new Set([repository.jidToSignalProtocolAddress(jid)]);
  const lid = await repository.lidMapping.getLIDForPN(jid).catch(() => null);
  if (lid && lid !== jid) {
    ids.add(repository.jidToSignalProtocolAddress(lid));
  }
  if (!jidDecode(jid)?.device) {
    const users = new Set([...ids].map(signalUser));
    for (const file of await readdir(auth.dir)) {
      const match = /^session-(.+)\.json$/.exec(file);
      if (match && users.has(signalUser(match[1]))) {
        ids.add(match[1]);
      }
    }
  }
  return [...ids];
}

async function hasSession({ jid }) {
  return currentSocket().signalRepository.validateSession(jid);
}

async function dropSession({ jid }) {
  const socket = currentSocket();
  const ids = await sessionIdsFor(jid);
  const before = await socket.authState.keys.get('session', ids);
  await socket.authState.keys.set({ session: Object.fromEntries(ids.map((id) => [id, null])) });
  const after = await socket.authState.keys.get('session', ids);
  const left = ids.filter((id) => after[id]);
  if (left.length > 0) {
    throw new Error(`sessions still stored after deleting them: ${left.join(', ')}`);
  }
  return { deleted: ids.filter((id) => before[id]), checked: ids };
}

async function closeWith(action) {
  const socket = currentSocket();
  stopping = true;
  if (connection !== 'close') {
    const closed = new Promise((resolve) => socket.ev.on('connection.update', (update) => {
      if (update.connection === 'close') {
        resolve();
      }
    }));
    await action(socket);
    await closed;
  }
  await flushSaves();
  return null;
}

/**
 * Every stored Signal session id and the LID mapping this client has stored for the phone number `pn`
 * (LID addressing tests). Read from the key store, not through lidMapping.getLIDForPN, which would
 * ask the server by usync when nothing is stored and so hide where the mapping came from.
 */
async function lidAddressing({ pn }) {
  const keys = currentSocket().authState.keys;
  const sessions = [];
  for (const file of await readdir(auth.dir)) {
    const match = /^session-(.+)\.json$/.exec(file);
    if (match) {
      sessions.push(match[1]);
    }
  }
  const pnUser = jidDecode(pn)?.user;
  const lidUser = pnUser ? (await keys.get('lid-mapping', [pnUser]))[pnUser] ?? null : null;
  const reverse = lidUser ? (await keys.get('lid-mapping', [`${lidUser}_reverse`]))[`${lidUser}_reverse`] ?? null : null;
  return {
    sessions: sessions.sort(),
    lidForPn: lidUser ? `${lidUser}@lid` : null,
    pnForLid: reverse ? `${reverse}@s.whatsapp.net` : null,
  };
}

// A vote on a poll this client received: the key and IV as docs/PROTOCOL.md §9 "A vote" and Baileys'
// decryptPollVote derive them, from this client's own jid (PN) and the poll's sender as Baileys keyed it.
async function pollVote({ to, pollId, options, tamper }) {
  const poll = receivedMessages.get(pollId);
  const secret = poll?.message?.messageContextInfo?.messageSecret;
  if (!secret) {
    throw new Error(`no received poll ${pollId} with a messageSecret`);
  }
  const socket = currentSocket();
  const me = jidNormalizedUser(socket.authState.creds.me.id);
  const creator = jidNormalizedUser(getKeyAuthor(poll.key, me));
  const sign = Buffer.concat([Buffer.from(pollId), Buffer.from(creator), Buffer.from(me), Buffer.from('Poll Vote'), Buffer.from([1])]);
  const key = hmacSign(sign, hmacSign(Buffer.from(secret), new Uint8Array(32)));
  const iv = Buffer.from(Array.from({ length: 12 }, () => Math.floor(Math.random() * 256)));
  const plaintext = proto.Message.PollVoteMessage.encode({ selectedOptions: options.map((o) => sha256(Buffer.from(o))) }).finish();
  const encPayload = aesEncryptGCM(plaintext, key, iv, Buffer.from(`${pollId}\u0000${me}`));
  if (tamper) {
    encPayload[0] ^= 0xff;
  }
  const message = proto.Message.fromObject({
    pollUpdateMessage: {
      pollCreationMessageKey: { remoteJid: poll.key.remoteJid, fromMe: false, id: pollId },
      vote: { encPayload, encIv: iv },
      senderTimestampMs: Date.now(),
    },
  });
  const id = generateMessageIDV2(socket.user?.id);
  await socket.relayMessage(to, message, { messageId: id });
  sentMessages.set(id, message);
  return { id, key: { remoteJid: to, fromMe: true, id } };
}

function decryptPollVote({ voteId, pollId }) {
  const vote = receivedMessages.get(voteId);
  const update = normalizeMessageContent(vote?.message)?.pollUpdateMessage;
  const poll = sentMessages.get(pollId);
  const secret = poll?.messageContextInfo?.messageSecret;
  if (!update || !secret) {
    throw new Error(`no received vote ${voteId} or sent poll ${pollId} with a messageSecret`);
  }
  const creds = currentSocket().authState.creds;
  const me = jidNormalizedUser(creds.me.id);
  const forms = (...jids) => [...new Set(jids.filter(Boolean).map(jidNormalizedUser))];
  const creators = forms(getKeyAuthor(update.pollCreationMessageKey, me), me, creds.me.lid);
  const voters = forms(getKeyAuthor(vote.key, me), vote.key.remoteJid, vote.key.remoteJidAlt, vote.key.participant, vote.key.participantAlt);
  let failure;
  for (const pollCreatorJid of creators) {
    for (const voterJid of voters) {
      try {
        const decrypted = baileysDecryptPollVote(update.vote, { pollCreatorJid, pollMsgId: pollId, pollEncKey: secret, voterJid });
        const tally = getAggregateVotesInPollMessage({ message: poll, pollUpdates: [{ pollUpdateMessageKey: vote.key, vote: decrypted }] }, me);
        return { options: tally.filter((t) => t.voters.length > 0).map((t) => t.name), pollCreatorJid, voterJid };
      } catch (error) {
        failure = error;
      }
    }
  }
  throw new Error(`Baileys could not decrypt vote ${voteId} with creators ${creators} and voters ${voters}: ${failure?.message}`);
}

/** sock.chatModify(mod, jid): an app-state patch (archive, pin, mute, markRead, …) written by Baileys. */
async function chatModify({ mod, jid }) {
  await currentSocket().chatModify(mod, jid);
  return { ok: true };
}

/** sock.sendPresenceUpdate(type, to): the account's presence, or a chat state (recording = composing media="audio"). */
async function sendPresenceUpdate({ type, to }) {
  await currentSocket().sendPresenceUpdate(type, to);
  return null;
}

function state() {
  const creds = auth?.state.creds;
  return {
    started: options !== null,
    generation,
    connection,
    restarts: totalRestarts,
    registered: creds?.registered === true,
    me: creds?.me?.id ?? null,
    lid: creds?.me?.lid ?? null,
    lastDisconnect,
    qrCount,
    tlsPinned: pinned !== null,
    tlsRejectUnauthorizedEnv: process.env.NODE_TLS_REJECT_UNAUTHORIZED ?? null,
  };
}

runPeer({
  start,
  requestPairingCode,
  sendText,
  sendImage,
  sendContent,
  downloadMedia,
  updateMedia,
  readMessages,
  groupCreate,
  groupMetadata,
  dropSession,
  hasSession,
  lidAddressing,
  pollVote,
  decryptPollVote,
  chatModify,
  sendPresenceUpdate,
  logout: () => closeWith((socket) => socket.logout()),
  end: () => closeWith((socket) => socket.end(undefined)),
  state,
});
