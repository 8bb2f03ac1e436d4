// Baileys' own pairing code paths behind the JSON-lines peer protocol, for
// tests/SessionCluster.Interop.Tests/Simulator/Pairing: the companion's side of QR pairing and of
// pairing by code, so the simulator's phone side (src/SessionCluster.Protocol/Pairing) is checked
// against what Baileys really does.
//
// ops (bytes cross as lowercase hex, frames include the 0x00 flag byte):
//   companion({ ref, browser }) -> { id, qr, noisePublicHex, identityPublicHex, advSecretBase64 }
//       fresh creds from Baileys' initAuthCreds and the QR string buildPairingQRData shows for `ref`
//   configureSuccessfulPairing({ id, frameHex }) -> { ok: true, replyFrameHex, me, platform, accountSignatureKeyHex,
//       signalIdentity: { name, device, keyHex } } | { ok: false, error }
//       decodes the frame with Baileys' decodeBinaryNode, runs validate-connection.js configureSuccessfulPairing with
//       the companion's creds, and encodes the <pair-device-sign> reply with encodeBinaryNode
//   libsignalVerify({ publicKeyHex, messageHex, signatureHex }) -> bool
//       libsignal's curve.verifySignature verdict. Baileys' own Curve.verify (crypto.js) returns true whenever
//       verifySignature does not throw, i.e. it ignores the verdict, so configureSuccessfulPairing accepts a wrong
//       account signature; the tests use this op to check our signatures with a verifier that looks.
//   crockford({ hex }) -> string                               generics.js bytesToCrockford
//   derivePairingCodeKey({ code, saltHex }) -> hex             crypto.js derivePairingCodeKey
//   companionHello({ code }) -> { id, wrappedHex, ephemeralPublicHex, identityPublicHex, noisePublicHex }
//       socket.js requestPairingCode / generatePairingKey for a companion with fresh creds
//   unwrapEphemeral({ id, wrappedHex }) -> hex                 messages-recv.js decipherLinkPublicKey
//   companionFinish({ id, primaryIdentityPubHex, wrappedPrimaryHex }) -> { wrappedKeyBundleHex, companionIdentityPublicHex, advSecretBase64 }
//       messages-recv.js, the link_code_companion_reg notification; the derived advSecret replaces the creds' one, so
//       configureSuccessfulPairing can then run for this companion
//
// generatePairingKey, decipherLinkPublicKey and the notification handler are closures inside makeSocket, so
// they are re-stated here step by step with the same exported Baileys primitives (derivePairingCodeKey,
// aesEncryptCTR/aesDecryptCTR, Curve.sharedKey, hkdf, aesEncryptGCM) and the same byte layouts (Baileys 7.0.0-rc14).

import { randomBytes } from 'node:crypto';
import { initAuthCreds } from 'baileys/lib/Utils/auth-utils.js';
import { configureSuccessfulPairing } from 'baileys/lib/Utils/validate-connection.js';
import { buildPairingQRData } from 'baileys/lib/Utils/companion-reg-client-utils.js';
import { bytesToCrockford } from 'baileys/lib/Utils/generics.js';
import {
  Curve, aesDecryptCTR, aesEncryptCTR, aesEncryptGCM, derivePairingCodeKey, hkdf,
} from 'baileys/lib/Utils/crypto.js';
import { decodeBinaryNode, encodeBinaryNode } from 'baileys/lib/WABinary/index.js';
import signalCurve from 'libsignal/src/curve.js';
import { runPeer } from './peer-protocol.mjs';

const companions = new Map();
let nextId = 1;

const hex = (bytes) => Buffer.from(bytes).toString('hex');
const fromHex = (text) => Buffer.from(text, 'hex');

function newCompanion() {
  const id = nextId++;
  const creds = initAuthCreds();
  companions.set(id, creds);
  return { id, creds };
}

function creds(id) {
  const found = companions.get(id);
  if (!found) {
    throw new Error(`no companion ${id}`);
  }
  return found;
}

/** BinaryNode content may be a Buffer, a string or children; attrs are strings. */
function describeNode(node) {
  return { tag: node.tag, attrs: node.attrs };
}

runPeer({
  companion({ ref, browser }) {
    const { id, creds: c } = newCompanion();
    const qr = buildPairingQRData(
      ref,
      Buffer.from(c.noiseKey.public).toString('base64'),
      Buffer.from(c.signedIdentityKey.public).toString('base64'),
      c.advSecretKey,
      browser,
    );
    return {
      id, qr, noisePublicHex: hex(c.noiseKey.public), identityPublicHex: hex(c.signedIdentityKey.public), advSecretBase64: c.advSecretKey,
    };
  },

  async configureSuccessfulPairing({ id, frameHex }) {
    const c = creds(id);
    const stanza = await decodeBinaryNode(fromHex(frameHex));
    let result;
    try {
      result = configureSuccessfulPairing(stanza, c);
    } catch (error) {
      return { ok: false, error: error?.message ?? String(error), stanza: describeNode(stanza) };
    }
    const { reply, creds: update } = result;
    const identity = update.signalIdentities[update.signalIdentities.length - 1];
    return {
      ok: true,
      replyFrameHex: hex(encodeBinaryNode(reply)),
      me: update.me,
      platform: update.platform ?? null,
      accountSignatureKeyHex: hex(update.account.accountSignatureKey),
      signalIdentity: {
        name: identity.identifier.name,
        device: identity.identifier.deviceId,
        keyHex: hex(identity.identifierKey),
      },
    };
  },

  libsignalVerify({ publicKeyHex, messageHex, signatureHex }) {
    return signalCurve.verifySignature(Buffer.concat([Buffer.from([5]), fromHex(publicKeyHex)]), fromHex(messageHex), fromHex(signatureHex));
  },

  crockford({ hex: input }) {
    return bytesToCrockford(fromHex(input));
  },

  async derivePairingCodeKey({ code, saltHex }) {
    return hex(await derivePairingCodeKey(code, fromHex(saltHex)));
  },

  async companionHello({ code }) {
    const { id, creds: c } = newCompanion();
    c.pairingCode = code;
    // socket.js generatePairingKey
    const salt = randomBytes(32);
    const randomIv = randomBytes(16);
    const key = await derivePairingCodeKey(c.pairingCode, salt);
    const ciphered = aesEncryptCTR(c.pairingEphemeralKeyPair.public, key, randomIv);
    return {
      id,
      wrappedHex: hex(Buffer.concat([salt, randomIv, ciphered])),
      ephemeralPublicHex: hex(c.pairingEphemeralKeyPair.public),
      identityPublicHex: hex(c.signedIdentityKey.public),
      noisePublicHex: hex(c.noiseKey.public),
    };
  },

  async unwrapEphemeral({ id, wrappedHex }) {
    return hex(await decipherLinkPublicKey(creds(id), fromHex(wrappedHex)));
  },

  async companionFinish({ id, primaryIdentityPubHex, wrappedPrimaryHex }) {
    const c = creds(id);
    // messages-recv.js, case 'link_code_companion_reg'
    const primaryIdentityPublicKey = fromHex(primaryIdentityPubHex);
    const codePairingPublicKey = await decipherLinkPublicKey(c, fromHex(wrappedPrimaryHex));
    const companionSharedKey = Curve.sharedKey(c.pairingEphemeralKeyPair.private, codePairingPublicKey);
    const random = randomBytes(32);
    const linkCodeSalt = randomBytes(32);
    const linkCodePairingExpanded = hkdf(companionSharedKey, 32, {
      salt: linkCodeSalt,
      info: 'link_code_pairing_key_bundle_encryption_key',
    });
    const encryptPayload = Buffer.concat([Buffer.from(c.signedIdentityKey.public), primaryIdentityPublicKey, random]);
    const encryptIv = randomBytes(12);
    const encrypted = aesEncryptGCM(encryptPayload, linkCodePairingExpanded, encryptIv, Buffer.alloc(0));
    const encryptedPayload = Buffer.concat([linkCodeSalt, encryptIv, encrypted]);
    const identitySharedKey = Curve.sharedKey(c.signedIdentityKey.private, primaryIdentityPublicKey);
    const identityPayload = Buffer.concat([companionSharedKey, identitySharedKey, random]);
    c.advSecretKey = Buffer.from(hkdf(identityPayload, 32, { info: 'adv_secret' })).toString('base64');
    return {
      wrappedKeyBundleHex: hex(encryptedPayload),
      companionIdentityPublicHex: hex(c.signedIdentityKey.public),
      advSecretBase64: c.advSecretKey,
    };
  },
});

// messages-recv.js decipherLinkPublicKey
async function decipherLinkPublicKey(c, buffer) {
  const salt = buffer.slice(0, 32);
  const secretKey = await derivePairingCodeKey(c.pairingCode, salt);
  const iv = buffer.slice(32, 48);
  const payload = buffer.slice(48, 80);
  return aesDecryptCTR(payload, secretKey, iv);
}
