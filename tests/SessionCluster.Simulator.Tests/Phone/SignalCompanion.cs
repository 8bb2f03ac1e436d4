using Google.Protobuf;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Messages;
using SessionCluster.Protocol.Signal;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Simulator.Accounts;

namespace SessionCluster.Simulator.Tests.Phone;

/// <summary>
/// A companion's Signal side, built on the engine directly (not on the phone's code): its keys, the device record the server
/// would hold after its upload, and its own sessions, so tests can read what the phone sends and write what a companion would.
/// </summary>
internal sealed class SignalCompanion : IPreKeySource
{
    private readonly Dictionary<uint, PreKeyRecord> _preKeys;
    private readonly Dictionary<string, SessionRecord> _sessions = [];

    public SignalCompanion(int deviceId, int preKeys = 5)
    {
        DeviceId = deviceId;
        Identity = KeyHelper.GenerateIdentity();
        SignedPreKey = KeyHelper.GenerateSignedPreKey(Identity.IdentityKey, 1);
        _preKeys = KeyHelper.GeneratePreKeys(1, preKeys).ToDictionary(k => k.Id);
    }

    public int DeviceId { get; }

    public LocalIdentity Identity { get; }

    public SignedPreKeyRecord SignedPreKey { get; }

    /// <summary>What the server holds for this companion after its prekey upload.</summary>
    public CompanionDevice Device()
    {
        var device = new CompanionDevice(
            DeviceId,
            (uint)DeviceId,
            Protocol.Crypto.Curve25519.GenerateKeyPair().PublicKey,
            Identity.IdentityKey.PublicKey,
            Identity.RegistrationId,
            new SignedPreKey(SignedPreKey.Id, SignedPreKey.KeyPair.PublicKey, SignedPreKey.Signature),
            "Chrome",
            DateTimeOffset.UnixEpoch);
        device.PreKeys.Add(_preKeys.Values.Select(k => (k.Id, k.KeyPair.PublicKey)));
        return device;
    }

    public void StartSession(string peer, PreKeyBundle bundle) =>
        _sessions[peer] = SessionBuilder.ProcessBundle(_sessions.GetValueOrDefault(peer) ?? SessionRecord.Empty, Identity, bundle);

    /// <summary>Encrypts a padded <paramref name="message"/> for <paramref name="peer"/>: the <c>&lt;enc&gt;</c> node.</summary>
    public Node Encrypt(string peer, Message message)
    {
        var result = SessionCipher.Encrypt(_sessions[peer], Identity, MessagePadding.Pad(message.ToByteArray()));
        _sessions[peer] = result.Record;
        return new Node("enc", [("v", "2"), ("type", result.Message.WireType)], result.Message.Serialized);
    }

    /// <summary>Decrypts an <c>&lt;enc&gt;</c> node from <paramref name="peer"/> and parses the unpadded <c>Message</c>.</summary>
    public Message Decrypt(string peer, Node enc)
    {
        var type = enc.GetString("type") == "pkmsg" ? CiphertextType.PreKey : CiphertextType.Whisper;
        var result = SessionCipher.Decrypt(_sessions.GetValueOrDefault(peer) ?? SessionRecord.Empty, Identity, new CiphertextMessage(type, enc.Bytes.ToArray()), this);
        _sessions[peer] = result.Record;
        if (result.ConsumedPreKeyId is { } consumed)
        {
            _preKeys.Remove(consumed);
        }

        Assert.True(MessagePadding.TryUnpad(result.Plaintext, out var body));
        return Message.Parser.ParseFrom(body.Span);
    }

    public PreKeyRecord? FindPreKey(uint id) => _preKeys.GetValueOrDefault(id);

    public SignedPreKeyRecord? FindSignedPreKey(uint id) => id == SignedPreKey.Id ? SignedPreKey : null;
}
