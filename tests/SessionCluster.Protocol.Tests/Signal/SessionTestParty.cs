using System.Text;
using SessionCluster.Protocol.Signal;

namespace SessionCluster.Protocol.Tests.Signal;

/// <summary>
/// One device in a test conversation: its identity, its prekeys (as the <see cref="IPreKeySource"/>
/// decrypt consults) and its session record with the one peer it talks to. Deletes a consumed one-time
/// prekey after taking the new record, as a real store would.
/// </summary>
internal sealed class SessionTestParty : IPreKeySource
{
    private readonly Dictionary<uint, PreKeyRecord> preKeys = [];
    private readonly Dictionary<uint, SignedPreKeyRecord> signedPreKeys = [];
    private uint nextPreKeyId = 1;

    public SessionTestParty(string name)
    {
        Name = name;
        Identity = KeyHelper.GenerateIdentity();
        SignedPreKey = KeyHelper.GenerateSignedPreKey(Identity.IdentityKey, 1);
        signedPreKeys[SignedPreKey.Id] = SignedPreKey;
    }

    public string Name { get; }

    public LocalIdentity Identity { get; }

    public SignedPreKeyRecord SignedPreKey { get; }

    public SessionRecord Record { get; set; } = SessionRecord.Empty;

    public int PreKeyCount => preKeys.Count;

    public PreKeyBundle Bundle(bool withOneTimePreKey = true)
    {
        PreKeyRecord? preKey = null;
        if (withOneTimePreKey)
        {
            preKey = KeyHelper.GeneratePreKeys(nextPreKeyId++, 1)[0];
            preKeys[preKey.Id] = preKey;
        }

        return new PreKeyBundle(
            Identity.RegistrationId,
            Identity.IdentityKey.PublicKey,
            SignedPreKey.Id,
            SignedPreKey.KeyPair.PublicKey,
            SignedPreKey.Signature,
            preKey?.Id,
            preKey?.KeyPair.PublicKey);
    }

    /// <summary>Starts a session with <paramref name="peer"/> from a fresh bundle of theirs.</summary>
    public void StartSessionWith(SessionTestParty peer, bool withOneTimePreKey = true) =>
        Record = SessionBuilder.ProcessBundle(Record, Identity, peer.Bundle(withOneTimePreKey));

    public CiphertextMessage Send(string text) => Send(Encoding.UTF8.GetBytes(text));

    public CiphertextMessage Send(byte[] plaintext)
    {
        var result = SessionCipher.Encrypt(Record, Identity, plaintext);
        Record = result.Record;
        return result.Message;
    }

    public string Receive(CiphertextMessage message) => Encoding.UTF8.GetString(ReceiveBytes(message));

    public byte[] ReceiveBytes(CiphertextMessage message)
    {
        var result = SessionCipher.Decrypt(Record, Identity, message, this);
        Record = result.Record;
        if (result.ConsumedPreKeyId is { } id)
        {
            preKeys.Remove(id);
        }

        return result.Plaintext;
    }

    public PreKeyRecord? FindPreKey(uint id) => preKeys.GetValueOrDefault(id);

    public SignedPreKeyRecord? FindSignedPreKey(uint id) => signedPreKeys.GetValueOrDefault(id);

    public override string ToString() => Name;
}
