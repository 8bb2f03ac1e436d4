// Baileys' own Noise handler as a WhatsApp client, pointed at a C# responder over a real WebSocket.
// It runs the handshake exactly as Baileys' socket does (ClientHello, processHandshake with its
// certificate checks, ClientFinish carrying Baileys' own registration ClientPayload), then echoes
// every transport node it receives and can send random nodes of its own.
//
// ops:
//   connect({ url, rootPublicKeyHex, routingInfoHex? }) -> { noisePublicKeyHex, clientPayloadHex, identityPublicKeyHex, registrationId }
//   sendRandom({ count, maxBytes }) -> [{ seq, length, sha256 }]   (nodes <frame seq from="peer">bytes</frame>)
//   stats() -> { received, echoed }
//   verifyChain({ chainHex, rootPublicKeyHex }) -> { intermediate, leaf }   libsignal's own verdicts
//   sign({ messageHex }) -> { publicKeyHex, signatureHex }                 a libsignal XEdDSA signature
//   close()
// Every node received with tag "frame" is sent back re-encoded by Baileys with echo="true".

import { createHash, randomBytes, randomInt } from 'node:crypto';
import WebSocket from 'ws';
import { makeNoiseHandler } from 'baileys/lib/Utils/noise-handler.js';
import { initAuthCreds } from 'baileys/lib/Utils/auth-utils.js';
import { generateRegistrationNode } from 'baileys/lib/Utils/validate-connection.js';
import { DEFAULT_CONNECTION_CONFIG, NOISE_WA_HEADER, WA_CERT_DETAILS } from 'baileys/lib/Defaults/index.js';
import { Curve } from 'baileys/lib/Utils/crypto.js';
import { encodeBinaryNode } from 'baileys/lib/WABinary/index.js';
import { proto } from 'baileys/WAProto/index.js';
import signalCurve from 'libsignal/src/curve.js';
import { runPeer } from './peer-protocol.mjs';

const silentLogger = {
  level: 'silent',
  child() { return this; },
  trace() {}, debug() {}, info() {}, warn() {}, error() {}, fatal() {},
};

let socket = null;
let noise = null;
let received = 0;
let echoed = 0;

function send(bytes) {
  socket.send(noise.encodeFrame(bytes));
}

function onTransportNode(node) {
  received++;
  if (node.tag !== 'frame') {
    return;
  }
  const content = node.content === undefined ? undefined : Buffer.from(node.content);
  send(encodeBinaryNode({ tag: 'frame', attrs: { ...node.attrs, echo: 'true' }, content }));
  echoed++;
}

async function connect({ url, rootPublicKeyHex, routingInfoHex }) {
  // Baileys hard-codes WhatsApp's root; the test points it at the C# authority's root instead.
  WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(rootPublicKeyHex, 'hex');
  const creds = initAuthCreds();
  const ephemeral = Curve.generateKeyPair();
  noise = makeNoiseHandler({
    keyPair: ephemeral,
    NOISE_HEADER: NOISE_WA_HEADER,
    logger: silentLogger,
    routingInfo: routingInfoHex ? Buffer.from(routingInfoHex, 'hex') : undefined,
  });
  socket = new WebSocket(url, { origin: 'https://web.whatsapp.com' });
  socket.binaryType = 'nodebuffer';

  let handshakeFrame = null;
  const firstFrame = new Promise((resolve, reject) => {
    handshakeFrame = resolve;
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('socket closed during the handshake')));
  });
  socket.on('message', (data) => {
    noise.decodeFrame(data, (frame) => {
      if (handshakeFrame) {
        const resolve = handshakeFrame;
        handshakeFrame = null;
        resolve(frame);
      } else {
        onTransportNode(frame);
      }
    }).catch((error) => process.stderr.write(`noise-peer: frame error ${error.stack}\n`));
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });

  send(proto.HandshakeMessage.encode({ clientHello: { ephemeral: ephemeral.public } }).finish());
  const serverHello = proto.HandshakeMessage.decode(await firstFrame);
  const keyEnc = noise.processHandshake(serverHello, creds.noiseKey);
  const payload = proto.ClientPayload.encode(generateRegistrationNode(creds, DEFAULT_CONNECTION_CONFIG)).finish();
  const payloadEnc = noise.encrypt(payload);
  send(proto.HandshakeMessage.encode({ clientFinish: { static: keyEnc, payload: payloadEnc } }).finish());
  await noise.finishInit();
  return {
    noisePublicKeyHex: Buffer.from(creds.noiseKey.public).toString('hex'),
    clientPayloadHex: Buffer.from(payload).toString('hex'),
    identityPublicKeyHex: Buffer.from(creds.signedIdentityKey.public).toString('hex'),
    registrationId: creds.registrationId,
  };
}

function sendRandom({ count, maxBytes }) {
  const sent = [];
  for (let seq = 0; seq < count; seq++) {
    const length = randomInt(0, maxBytes + 1);
    const content = randomBytes(length);
    send(encodeBinaryNode({ tag: 'frame', attrs: { seq: String(seq), from: 'peer' }, content }));
    sent.push({ seq, length, sha256: createHash('sha256').update(content).digest('hex') });
  }
  return sent;
}

// Baileys' Curve.verify ignores the boolean libsignal returns (it only catches throws), so its
// handshake accepts any 64-byte signature. These ops ask libsignal for the real verdict.
function libsignalVerify(publicKey, message, signature) {
  return signalCurve.verifySignature(Buffer.concat([Buffer.from([5]), publicKey]), message, signature) === true;
}

function verifyChain({ chainHex, rootPublicKeyHex }) {
  const chain = proto.CertChain.decode(Buffer.from(chainHex, 'hex'));
  const intermediateDetails = proto.CertChain.NoiseCertificate.Details.decode(chain.intermediate.details);
  return {
    intermediate: libsignalVerify(Buffer.from(rootPublicKeyHex, 'hex'), chain.intermediate.details, chain.intermediate.signature),
    leaf: libsignalVerify(Buffer.from(intermediateDetails.key), chain.leaf.details, chain.leaf.signature),
  };
}

function sign({ messageHex }) {
  const key = Curve.generateKeyPair();
  const signature = Curve.sign(key.private, Buffer.from(messageHex, 'hex'));
  return { publicKeyHex: key.public.toString('hex'), signatureHex: Buffer.from(signature).toString('hex') };
}

runPeer({
  verifyChain,
  sign,
  connect,
  sendRandom,
  stats: () => ({ received, echoed }),
  close: () => new Promise((resolve) => {
    if (!socket || socket.readyState === WebSocket.CLOSED) {
      resolve(null);
      return;
    }
    socket.once('close', () => resolve(null));
    socket.close();
  }),
});
