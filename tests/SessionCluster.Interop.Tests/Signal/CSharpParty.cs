using SessionCluster.Protocol.Signal;

namespace SessionCluster.Interop.Tests.Signal;

/// <summary>
/// A device on our side of an interop test: an identity, prekeys, and the session and sender-key
/// records our engine returns, kept per address like an application's store would keep them. On a
/// failed decrypt nothing is stored, because the engine leaves its input untouched. With
/// <see cref="StoreSerialized"/> every record goes through Serialize/Deserialize on its way into and
/// out of the store, as a persistent store would do.
/// </summary>
public sealed class CSharpParty : IPreKeySource
{
    private readonly Dictionary<uint, PreKeyRecord> _preKeys = [];
    private readonly HashSet<uint> _issued = [];
    private readonly Dictionary<string, object> _sessions = [];
    private readonly Dictionary<string, object> _senderKeys = [];

    public CSharpParty(string address = "csharp.1", int preKeyCount = 3, uint firstPreKeyId = 1, uint signedPreKeyId = 1, uint? registrationId = null)
    {
        Address = address;
        Identity = KeyHelper.GenerateIdentity();
        if (registrationId is { } id)
        {
            Identity = Identity with { RegistrationId = id };
        }

        SignedPreKey = KeyHelper.GenerateSignedPreKey(Identity.IdentityKey, signedPreKeyId);
        foreach (var preKey in KeyHelper.GeneratePreKeys(firstPreKeyId, preKeyCount))
        {
            _preKeys.Add(preKey.Id, preKey);
        }
    }

    /// <summary>The address peers file this party under, "name.device".</summary>
    public string Address { get; }

    public LocalIdentity Identity { get; }

    public SignedPreKeyRecord SignedPreKey { get; }

    /// <summary>When true, records are stored as their serialized bytes and read back with Deserialize.</summary>
    public bool StoreSerialized { get; init; }

    /// <summary>How many records went through Serialize/Deserialize (only with <see cref="StoreSerialized"/>).</summary>
    public int RoundTrips { get; private set; }

    /// <summary>The ids of the one-time prekeys still held.</summary>
    public IReadOnlyCollection<uint> RemainingPreKeys => _preKeys.Keys;

    /// <summary>Our bundle, with the next one-time prekey not handed out yet unless <paramref name="withPreKey"/> is false.</summary>
    public PreKeyBundle Bundle(bool withPreKey = true)
    {
        PreKeyRecord? preKey = null;
        if (withPreKey)
        {
            preKey = _preKeys.Values.OrderBy(k => k.Id).FirstOrDefault(k => !_issued.Contains(k.Id))
                ?? throw new InvalidOperationException("No unissued one-time prekey left.");
            _issued.Add(preKey.Id);
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

    public void ProcessBundle(string remote, PreKeyBundle bundle) =>
        SetSession(remote, SessionBuilder.ProcessBundle(Session(remote), Identity, bundle));

    public CiphertextMessage Encrypt(string remote, byte[] plaintext)
    {
        var result = SessionCipher.Encrypt(Session(remote), Identity, plaintext);
        SetSession(remote, result.Record);
        return result.Message;
    }

    /// <summary>Decrypts and stores the new record; a consumed one-time prekey is deleted, as libsignal does.</summary>
    /// <exception cref="SignalDecryptException">The engine refused the message; nothing was stored.</exception>
    public byte[] Decrypt(string remote, CiphertextMessage message)
    {
        var result = SessionCipher.Decrypt(Session(remote), Identity, message, this);
        SetSession(remote, result.Record);
        if (result.ConsumedPreKeyId is { } consumed)
        {
            _preKeys.Remove(consumed);
        }

        return result.Plaintext;
    }

    /// <summary>The stored session record for <paramref name="remote"/>, or <see cref="SessionRecord.Empty"/>.</summary>
    public SessionRecord Session(string remote)
    {
        if (!_sessions.TryGetValue(remote, out var stored))
        {
            return SessionRecord.Empty;
        }

        return stored is byte[] bytes ? SessionRecord.Deserialize(bytes) : (SessionRecord)stored;
    }

    public void SetSession(string remote, SessionRecord record)
    {
        if (StoreSerialized)
        {
            RoundTrips++;
            _sessions[remote] = record.Serialize();
        }
        else
        {
            _sessions[remote] = record;
        }
    }

    // ---- sender keys ----

    /// <summary>Our sender key for the group (created on first use) and its distribution message.</summary>
    public byte[] GroupCreate(string groupId)
    {
        var distribution = GroupSessionBuilder.CreateDistribution(SenderKey(groupId, Address));
        SetSenderKey(groupId, Address, distribution.Record);
        return distribution.DistributionMessage;
    }

    /// <summary>Forgets our own sender key for the group, so the next <see cref="GroupCreate"/> starts a new key id.</summary>
    public void GroupReset(string groupId) => _senderKeys.Remove(SenderKeyName(groupId, Address));

    public void GroupProcess(string groupId, string sender, byte[] distribution) =>
        SetSenderKey(groupId, sender, GroupSessionBuilder.ProcessDistribution(SenderKey(groupId, sender), distribution));

    public byte[] GroupEncrypt(string groupId, byte[] plaintext)
    {
        var result = GroupCipher.Encrypt(SenderKey(groupId, Address), plaintext);
        SetSenderKey(groupId, Address, result.Record);
        return result.Ciphertext;
    }

    /// <exception cref="SignalDecryptException">The engine refused the message; nothing was stored.</exception>
    public byte[] GroupDecrypt(string groupId, string sender, byte[] ciphertext)
    {
        var result = GroupCipher.Decrypt(SenderKey(groupId, sender), ciphertext);
        SetSenderKey(groupId, sender, result.Record);
        return result.Plaintext;
    }

    public SenderKeyRecord SenderKey(string groupId, string sender)
    {
        if (!_senderKeys.TryGetValue(SenderKeyName(groupId, sender), out var stored))
        {
            return SenderKeyRecord.Empty;
        }

        return stored is byte[] bytes ? SenderKeyRecord.Deserialize(bytes) : (SenderKeyRecord)stored;
    }

    public void SetSenderKey(string groupId, string sender, SenderKeyRecord record)
    {
        if (StoreSerialized)
        {
            RoundTrips++;
            _senderKeys[SenderKeyName(groupId, sender)] = record.Serialize();
        }
        else
        {
            _senderKeys[SenderKeyName(groupId, sender)] = record;
        }
    }

    // ---- IPreKeySource ----

    public PreKeyRecord? FindPreKey(uint id) => _preKeys.GetValueOrDefault(id);

    public SignedPreKeyRecord? FindSignedPreKey(uint id) => id == SignedPreKey.Id ? SignedPreKey : null;

    private static string SenderKeyName(string groupId, string sender) => $"{groupId}::{sender}";
}
