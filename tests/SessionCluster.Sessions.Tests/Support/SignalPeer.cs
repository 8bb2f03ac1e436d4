using System.Globalization;
using Google.Protobuf;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Messages;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Protocol.Wa.E2E;

namespace SessionCluster.Sessions.Tests.Support;

/// <summary>
/// A contact device the test plays with the Protocol's Signal engine: it starts a session from the session's bundle and
/// encrypts texts to it as <c>&lt;message&gt;</c> stanzas, gives out bundles of its own, and decrypts what is sent to it.
/// </summary>
internal sealed class SignalPeer(Jid device)
{
    private readonly LocalIdentity _identity = KeyHelper.GenerateIdentity();
    private readonly List<PreKeyRecord> _preKeys = [];
    private SignedPreKeyRecord? _signed;
    private SessionRecord _toSession = SessionRecord.Empty;
    private SessionRecord _fromSession = SessionRecord.Empty;

    public Jid Device { get; } = device;

    /// <summary>Starts (or restarts) the outbound session from <paramref name="bundle"/>.</summary>
    public void StartSession(PreKeyBundle bundle) => _toSession = SessionBuilder.ProcessBundle(SessionRecord.Empty, _identity, bundle);

    /// <summary>The next ciphertext of <paramref name="text"/> on the outbound session (padded waE2E.Message).</summary>
    public CiphertextMessage Encrypt(string text)
    {
        var encrypted = SessionCipher.Encrypt(_toSession, _identity, MessagePadding.Pad(new Message { Conversation = text }.ToByteArray()));
        _toSession = encrypted.Record;
        return encrypted.Message;
    }

    /// <summary>A 1:1 <c>&lt;message&gt;</c> from this device carrying <paramref name="ciphertext"/>.</summary>
    public Node MessageStanza(string id, CiphertextMessage ciphertext, int? retryCount = null)
    {
        List<NodeAttribute> enc = [("v", "2"), ("type", ciphertext.WireType)];
        if (retryCount is { } count)
        {
            enc.Add(("count", count.ToString(CultureInfo.InvariantCulture)));
        }

        return new Node("message", [("from", Device.ToString()), ("id", id), ("t", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)), ("type", "text")],
            [new Node("enc", enc, ciphertext.Serialized)]);
    }

    /// <summary>A fresh bundle of this device (a new one-time prekey each time), as a bundle fetch answers it.</summary>
    public Node BundleNode()
    {
        _signed ??= KeyHelper.GenerateSignedPreKey(_identity.IdentityKey, 1);
        var preKey = KeyHelper.GeneratePreKeys((uint)_preKeys.Count + 1, 1)[0];
        _preKeys.Add(preKey);
        return PreKeyBundleNode.Build(Device, new PreKeyBundle(
            _identity.RegistrationId, _identity.IdentityKey.PublicKey, _signed.Id, _signed.KeyPair.PublicKey, _signed.Signature, preKey.Id, preKey.KeyPair.PublicKey));
    }

    /// <summary>Decrypts one enc sent to this device and returns its text.</summary>
    public string Decrypt(Node enc)
    {
        var type = enc.GetOptionalString("type") == "pkmsg" ? CiphertextType.PreKey : CiphertextType.Whisper;
        var result = SessionCipher.Decrypt(_fromSession, _identity, new CiphertextMessage(type, enc.Bytes.ToArray()), new Keys(this));
        _fromSession = result.Record;
        Assert.True(MessagePadding.TryUnpad(result.Plaintext, out var unpadded));
        return Message.Parser.ParseFrom(unpadded.Span).Conversation;
    }

    /// <summary>
    /// <paramref name="ciphertext"/> with the last byte of its encrypted body flipped (the byte before the 8-byte MAC of
    /// the WhisperMessage, which a PreKeyWhisperMessage carries as its field 4): its MAC no longer matches.
    /// </summary>
    public static CiphertextMessage Tampered(CiphertextMessage ciphertext)
    {
        const int macSize = 8;
        var bytes = (byte[])ciphertext.Serialized.Clone();
        var whisperEnd = bytes.Length;
        if (ciphertext.Type == CiphertextType.PreKey)
        {
            // After the version byte, the protobuf; field 4 (length-delimited) is the WhisperMessage.
            var input = new CodedInputStream(bytes[1..]);
            whisperEnd = -1;
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(tag) == 4)
                {
                    var length = input.ReadLength();
                    whisperEnd = 1 + (int)input.Position + length;
                    break;
                }

                input.SkipLastField();
            }

            Assert.True(whisperEnd > 0, "the pkmsg has no WhisperMessage");
        }

        bytes[whisperEnd - macSize - 1] ^= 0xFF;
        return new CiphertextMessage(ciphertext.Type, bytes);
    }

    private sealed class Keys(SignalPeer peer) : IPreKeySource
    {
        public PreKeyRecord? FindPreKey(uint id) => peer._preKeys.FirstOrDefault(k => k.Id == id);

        public SignedPreKeyRecord? FindSignedPreKey(uint id) => peer._signed is { } signed && signed.Id == id ? signed : null;
    }
}
