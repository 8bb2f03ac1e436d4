// Prints the golden hex pinned by the tests in this folder, computed with Baileys'
// own protobufjs encoder (baileys@7.0.0-rc14, WAProto/index.js), an implementation
// independent of ours. Run from the repository root after `npm ci` in tests/Interop:
//
//   node tests/SessionCluster.Protocol.Tests/Proto/baileys-golden.mjs
//
// Baileys spells acronyms in camel case (stanzaId, remoteJid); the wire is the same.
import { proto } from '../../Interop/node_modules/baileys/WAProto/index.js';

// n bytes counting up from `start` (mod 256): deterministic stand-ins for keys.
const seq = (start, n) => Uint8Array.from({ length: n }, (_, i) => (start + i) & 0xff);
const hex = (bytes) => Buffer.from(bytes).toString('hex');

const golden = {
  handshakeClientHello: proto.HandshakeMessage.encode({
    clientHello: { ephemeral: seq(0x01, 32) },
  }).finish(),

  certDetails: proto.CertChain.NoiseCertificate.Details.encode({
    serial: 12345, issuerSerial: 0, key: seq(0x40, 32), notBefore: 1700000000, notAfter: 1800000000,
  }).finish(),

  certChain: proto.CertChain.encode({
    leaf: { details: seq(0xa0, 4), signature: seq(0xb0, 64) },
    intermediate: { details: seq(0xc0, 4), signature: seq(0xd0, 64) },
  }).finish(),

  // docs/PROTOCOL.md §3, login as whatsmeow sends it.
  clientPayloadLogin: proto.ClientPayload.encode({
    username: 15551234567,
    passive: true,
    userAgent: {
      platform: proto.ClientPayload.UserAgent.Platform.WEB,
      appVersion: { primary: 2, secondary: 3000, tertiary: 1045649367 },
      mcc: '000', mnc: '000', osVersion: '0.1', manufacturer: '', device: 'Desktop', osBuildNumber: '0.1',
      releaseChannel: proto.ClientPayload.UserAgent.ReleaseChannel.RELEASE,
      localeLanguageIso6391: 'en', localeCountryIso31661Alpha2: 'US',
    },
    webInfo: { webSubPlatform: proto.ClientPayload.WebInfo.WebSubPlatform.WEB_BROWSER },
    connectType: proto.ClientPayload.ConnectType.WIFI_UNKNOWN,
    connectReason: proto.ClientPayload.ConnectReason.USER_ACTIVATED,
    device: 2,
    pull: true,
    lc: 1,
    lidDbMigrated: true,
  }).finish(),

  deviceProps: proto.DeviceProps.encode({
    os: 'SessionCluster',
    version: { primary: 0, secondary: 1, tertiary: 0 },
    platformType: proto.DeviceProps.PlatformType.DESKTOP,
    requireFullSync: false,
    historySyncConfig: { storageQuotaMb: 10240, inlineInitialPayloadInE2EeMsg: true, supportCallLogHistory: false },
  }).finish(),

  // docs/PROTOCOL.md §3, registration as whatsmeow sends it (deviceProps as opaque bytes here).
  clientPayloadRegistration: proto.ClientPayload.encode({
    passive: false,
    userAgent: {
      platform: proto.ClientPayload.UserAgent.Platform.WEB,
      appVersion: { primary: 2, secondary: 3000, tertiary: 1045649367 },
      device: 'Desktop',
    },
    webInfo: { webSubPlatform: proto.ClientPayload.WebInfo.WebSubPlatform.WEB_BROWSER },
    connectType: proto.ClientPayload.ConnectType.WIFI_UNKNOWN,
    connectReason: proto.ClientPayload.ConnectReason.USER_ACTIVATED,
    devicePairingData: {
      eRegid: Uint8Array.of(0x00, 0x00, 0x30, 0x39),
      eKeytype: Uint8Array.of(0x05),
      eIdent: seq(0x10, 32),
      eSkeyId: Uint8Array.of(0x00, 0x00, 0x01),
      eSkeyVal: seq(0x30, 32),
      eSkeySig: seq(0x50, 64),
      buildHash: seq(0x90, 16),
      deviceProps: Uint8Array.of(0x0a, 0x01, 0x58),
    },
    pull: false,
  }).finish(),

  advDeviceIdentity: proto.ADVDeviceIdentity.encode({
    rawId: 1234567, timestamp: 1700000000, keyIndex: 3,
    accountType: proto.ADVEncryptionType.E2EE, deviceType: proto.ADVEncryptionType.HOSTED,
  }).finish(),

  advSignedDeviceIdentityHmac: proto.ADVSignedDeviceIdentityHMAC.encode({
    details: seq(0x01, 8), hmac: seq(0x80, 32), accountType: proto.ADVEncryptionType.HOSTED,
  }).finish(),

  advKeyIndexList: proto.ADVKeyIndexList.encode({
    rawId: 1234567, timestamp: 1700000000, currentIndex: 5, validIndexes: [0, 3, 5, 300],
  }).finish(),

  messageConversation: proto.Message.encode({ conversation: 'hello' }).finish(),

  messageExtendedTextReply: proto.Message.encode({
    extendedTextMessage: {
      text: 'replying',
      contextInfo: {
        stanzaId: '3EB0ABCDEF0123456789AB',
        participant: '15551234567@s.whatsapp.net',
        quotedMessage: { conversation: 'original' },
      },
    },
  }).finish(),

  messageRevoke: proto.Message.encode({
    protocolMessage: {
      key: { remoteJid: '15551234567@s.whatsapp.net', fromMe: true, id: '3EB0ABCDEF0123456789AB' },
      type: proto.Message.ProtocolMessage.Type.REVOKE,
    },
  }).finish(),

  messageDeviceSent: proto.Message.encode({
    deviceSentMessage: {
      destinationJid: '15557654321@s.whatsapp.net',
      message: { conversation: 'hi there' },
    },
    messageContextInfo: {
      deviceListMetadata: { senderKeyHash: seq(0x01, 10), senderTimestamp: 1700000000, senderKeyIndexes: [1, 2] },
      deviceListMetadataVersion: 2,
      messageSecret: seq(0x20, 32),
    },
  }).finish(),

  messageSenderKeyDistribution: proto.Message.encode({
    senderKeyDistributionMessage: {
      groupId: '120363012345678901@g.us',
      axolotlSenderKeyDistributionMessage: Uint8Array.of(0x33, ...seq(0x08, 16)),
    },
  }).finish(),

  historySyncNotification: proto.Message.HistorySyncNotification.encode({
    fileSha256: seq(0x01, 32),
    fileLength: 123456,
    mediaKey: seq(0x21, 32),
    fileEncSha256: seq(0x41, 32),
    directPath: '/v/t62.36145-24/abc?ccb=11-4',
    syncType: proto.Message.HistorySyncType.INITIAL_BOOTSTRAP,
    chunkOrder: 1,
    originalMessageId: '3EB0HISTORY0000000001',
    progress: 42,
  }).finish(),

  messageAppStateKeyShare: proto.Message.encode({
    protocolMessage: {
      type: proto.Message.ProtocolMessage.Type.APP_STATE_SYNC_KEY_SHARE,
      appStateSyncKeyShare: {
        keys: [{
          keyId: { keyId: Uint8Array.of(0x00, 0x00, 0x00, 0x01, 0x02, 0x03) },
          keyData: { keyData: seq(0x60, 32), fingerprint: { rawId: 99, currentIndex: 1, deviceIndexes: [0, 1] }, timestamp: 1700000000000 },
        }],
      },
    },
  }).finish(),

  // syncType RECENT: Baileys (proto3, implicit presence) would drop INITIAL_BOOTSTRAP = 0.
  historySync: proto.HistorySync.encode({
    syncType: proto.HistorySync.HistorySyncType.RECENT,
    conversations: [{
      id: '15557654321@s.whatsapp.net',
      messages: [{
        message: {
          key: { remoteJid: '15557654321@s.whatsapp.net', fromMe: false, id: '3EB0AAAA' },
          message: { conversation: 'old message' },
          messageTimestamp: 1690000000,
          status: proto.WebMessageInfo.Status.READ,
        },
        msgOrderId: 1,
      }],
      unreadCount: 0,
      name: 'Alice',
    }],
    chunkOrder: 2,
    progress: 100,
    pushnames: [{ id: '15557654321@s.whatsapp.net', pushname: 'Alice' }],
    phoneNumberToLidMappings: [{ pnJid: '15557654321@s.whatsapp.net', lidJid: '123456789012345@lid' }],
  }).finish(),

  historySyncInitialBootstrap: proto.HistorySync.encode({
    syncType: proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP,
    chunkOrder: 1,
  }).finish(),

  imageMessagePackedScanLengths: proto.Message.ImageMessage.encode({
    mimetype: 'image/jpeg', scanLengths: [100, 200, 300],
  }).finish(),

  syncdPatch: proto.SyncdPatch.encode({
    version: { version: 7 },
    mutations: [{
      operation: proto.SyncdMutation.SyncdOperation.SET,
      record: { index: { blob: seq(0x01, 32) }, value: { blob: seq(0x40, 48) }, keyId: { id: Uint8Array.of(0, 0, 0, 1) } },
    }],
    snapshotMac: seq(0x80, 32),
    patchMac: seq(0xa0, 32),
    keyId: { id: Uint8Array.of(0, 0, 0, 1) },
  }).finish(),

  syncActionData: proto.SyncActionData.encode({
    index: Buffer.from('["mute","15557654321@s.whatsapp.net"]'),
    value: { timestamp: 1700000000000, muteAction: { muted: true, muteEndTimestamp: -1 } },
    padding: new Uint8Array(0),
    version: 2,
  }).finish(),
};

for (const [name, bytes] of Object.entries(golden)) console.log(`${name}: ${hex(bytes)}`);
