using System.Globalization;
using Google.Protobuf;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Messages;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Sessions.Flows;
using SenderKeyDistributionMessage = SessionCluster.Protocol.Wa.E2E.SenderKeyDistributionMessage;

namespace SessionCluster.Benchmarks.Media;

/// <summary>The group send figures: time and allocations per send, and the encoded stanza's size.</summary>
internal sealed record GroupSendResult(int Devices, RoundResult FirstEstablished, RoundResult FirstFresh, RoundResult FirstPersisted, RoundResult Later, int FirstFrameBytes, int LaterFrameBytes);

/// <summary>
/// The CPU part of one group send to <c>users × devices</c> member devices, as SessionActor.GroupSend and
/// GroupSenderKeysActor do it but without actors, journal or wire (docs/PROTOCOL.md §9 "Group stanza"): our sender key
/// (<see cref="GroupSessionBuilder.CreateDistribution"/>), the skmsg (<see cref="GroupCipher.Encrypt"/>), the padded SKDM
/// message encrypted pairwise for every device (<see cref="SessionCipher.Encrypt"/>), the stanza
/// (<see cref="GroupStanzas.Message"/>) and its binary frame (<see cref="NodeEncoder.EncodeFrame"/>). A later send is
/// the skmsg and the stanza only: every device holds our key. Records are immutable, so every round starts from the same ones.
/// </summary>
internal static class GroupSendRounds
{
    public static GroupSendResult Run(int users, int devicesPerUser, int warmup, int rounds)
    {
        var ours = KeyHelper.GenerateIdentity();
        var group = new Jid("120363000000000001", "g.us");
        var devices = new List<Jid>(users * devicesPerUser);
        for (var u = 0; u < users; u++)
        {
            for (var d = 0; d < devicesPerUser; d++)
            {
                devices.Add(new Jid("1555" + u.ToString("D7", CultureInfo.InvariantCulture), "s.whatsapp.net", (ushort)d));
            }
        }

        var fresh = devices.Select(device => SessionBuilder.ProcessBundle(SessionRecord.Empty, ours, Bundle(out _, out _))).ToArray();
        var established = devices.Select(device => Established(ours)).ToArray();
        var content = new Message { Conversation = "A group message of an ordinary length, to every member device." };
        var kind = StanzaKind.Of(content);
        var plaintext = MessagePadding.Pad(content.ToByteArray());
        var deviceIdentity = new byte[160];

        int Send(SessionRecord[] sessions, SenderKeyRecord own, bool distribute, bool persist)
        {
            var distribution = GroupSessionBuilder.CreateDistribution(own);
            var skmsg = GroupCipher.Encrypt(distribution.Record, plaintext);
            List<(Jid, CiphertextMessage)> pairwise = [];
            if (distribute)
            {
                var skdm = MessagePadding.Pad(new Message
                {
                    SenderKeyDistributionMessage = new SenderKeyDistributionMessage
                    {
                        GroupID = group.ToString(),
                        AxolotlSenderKeyDistributionMessage = ByteString.CopyFrom(distribution.DistributionMessage),
                    },
                }.ToByteArray());
                pairwise.Capacity = sessions.Length;
                for (var i = 0; i < sessions.Length; i++)
                {
                    var sent = SessionCipher.Encrypt(sessions[i], ours, skdm);
                    if (persist)
                    {
                        _ = sent.Record.Serialize();
                    }

                    pairwise.Add((devices[i], sent.Message));
                }
            }

            var stanza = GroupStanzas.Message("3EB0BENCH" + Environment.TickCount64.ToString(CultureInfo.InvariantCulture), group, kind, pairwise, skmsg.Ciphertext, deviceIdentity);
            return NodeEncoder.EncodeFrame(stanza).Length;
        }

        var sharedKey = GroupSessionBuilder.CreateDistribution(SenderKeyRecord.Empty).Record;
        var firstBytes = Send(established, SenderKeyRecord.Empty, distribute: true, persist: false);
        var laterBytes = Send(established, sharedKey, distribute: false, persist: false);
        return new GroupSendResult(
            devices.Count,
            Rounds.Measure(warmup, rounds, () => Send(established, SenderKeyRecord.Empty, distribute: true, persist: false)),
            Rounds.Measure(warmup, rounds, () => Send(fresh, SenderKeyRecord.Empty, distribute: true, persist: false)),
            Rounds.Measure(warmup, rounds, () => Send(established, SenderKeyRecord.Empty, distribute: true, persist: true)),
            Rounds.Measure(warmup, rounds, () => Send(established, sharedKey, distribute: false, persist: false)),
            firstBytes,
            laterBytes);
    }

    /// <summary>A session past its first round trip, so that we send plain WhisperMessages (msg) on it.</summary>
    private static SessionRecord Established(LocalIdentity ours)
    {
        var bundle = Bundle(out var theirs, out var keys);
        var first = SessionCipher.Encrypt(SessionBuilder.ProcessBundle(SessionRecord.Empty, ours, bundle), ours, "hello"u8);
        var received = SessionCipher.Decrypt(SessionRecord.Empty, theirs, first.Message, keys).Record;
        var reply = SessionCipher.Encrypt(received, theirs, "hi"u8);
        return SessionCipher.Decrypt(first.Record, ours, reply.Message, keys).Record;
    }

    private static PreKeyBundle Bundle(out LocalIdentity theirs, out IPreKeySource keys)
    {
        theirs = KeyHelper.GenerateIdentity();
        var signed = KeyHelper.GenerateSignedPreKey(theirs.IdentityKey, 1);
        var preKey = KeyHelper.GeneratePreKeys(1, 1)[0];
        keys = new PreKeys(preKey, signed);
        return new PreKeyBundle(theirs.RegistrationId, theirs.IdentityKey.PublicKey, signed.Id, signed.KeyPair.PublicKey, signed.Signature, preKey.Id, preKey.KeyPair.PublicKey);
    }

    private sealed class PreKeys(PreKeyRecord preKey, SignedPreKeyRecord signedPreKey) : IPreKeySource
    {
        public PreKeyRecord? FindPreKey(uint id) => id == preKey.Id ? preKey : null;

        public SignedPreKeyRecord? FindSignedPreKey(uint id) => id == signedPreKey.Id ? signedPreKey : null;
    }
}
