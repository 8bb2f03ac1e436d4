// Prints the poll-vote test vector checked in at tests/SessionCluster.Protocol.Tests/Messages/PollVotesTests.cs
// (run once from tests/Interop after `npm ci`: node poll-vote-vector.mjs). The vote is sealed with Baileys' own
// exported helpers (hmacSign, aesEncryptGCM, sha256) along docs/PROTOCOL.md §9 "A vote", then opened with Baileys'
// own decryptPollVote and named with getAggregateVotesInPollMessage: the vector holds only if Baileys reads it.
import { aesEncryptGCM, decryptPollVote, getAggregateVotesInPollMessage, hmacSign, proto, sha256 } from 'baileys';

const secret = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
const pollMsgId = '3EB0A1B2C3D4E5F6A7B8C9';
const pollCreatorJid = '15550601002@s.whatsapp.net';
const voterJid = '15550601001@s.whatsapp.net';
const iv = Buffer.from('a0a1a2a3a4a5a6a7a8a9aaab', 'hex');
const options = ['Red', 'Green', 'Blue'];
const chosen = ['Green', 'Blue'];

const sign = Buffer.concat([Buffer.from(pollMsgId), Buffer.from(pollCreatorJid), Buffer.from(voterJid), Buffer.from('Poll Vote'), Buffer.from([1])]);
const key = hmacSign(sign, hmacSign(secret, new Uint8Array(32)));
const plaintext = proto.Message.PollVoteMessage.encode({ selectedOptions: chosen.map((o) => sha256(Buffer.from(o))) }).finish();
const encPayload = aesEncryptGCM(plaintext, key, iv, Buffer.from(`${pollMsgId}\u0000${voterJid}`));

const vote = decryptPollVote({ encPayload, encIv: iv }, { pollCreatorJid, pollMsgId, pollEncKey: secret, voterJid });
const tally = getAggregateVotesInPollMessage({
  message: { pollCreationMessage: { options: options.map((optionName) => ({ optionName })) } },
  pollUpdates: [{ pollUpdateMessageKey: { remoteJid: voterJid, fromMe: false, id: 'V' }, vote }],
});
const named = tally.filter((t) => t.voters.length > 0).map((t) => t.name);
if (named.join() !== chosen.join()) {
  throw new Error(`Baileys read ${named}, not ${chosen}`);
}
console.log(JSON.stringify({ key: Buffer.from(key).toString('hex'), plaintext: Buffer.from(plaintext).toString('hex'), encPayload: encPayload.toString('hex'), baileysReads: named }));
