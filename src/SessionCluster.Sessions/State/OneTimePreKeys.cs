using System.Collections.Immutable;
using System.Security.Cryptography;
using Google.Protobuf;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Signal;
using SessionCluster.Sessions.State.Proto;

namespace SessionCluster.Sessions.State;

/// <summary>
/// The one-time prekeys this companion has made and not yet seen consumed (a value: every change is a new one). A batch
/// is stored sealed before its upload (<see cref="PreKeysGenerated"/>), so a pkmsg naming any key the server handed out
/// finds its private half after any crash.
/// </summary>
public sealed class OneTimePreKeys
{
    private readonly ImmutableDictionary<uint, PreKeyRecord> _keys;

    private OneTimePreKeys(ImmutableDictionary<uint, PreKeyRecord> keys) => _keys = keys;

    public static OneTimePreKeys Empty { get; } = new(ImmutableDictionary<uint, PreKeyRecord>.Empty);

    public int Count => _keys.Count;

    public PreKeyRecord? Find(uint id) => _keys.GetValueOrDefault(id);

    /// <summary>The key with the highest id (the newest batch's last: the least likely to be handed out already), or null.</summary>
    public PreKeyRecord? Newest() => _keys.IsEmpty ? null : _keys.Values.MaxBy(k => k.Id);

    public OneTimePreKeys Add(IEnumerable<PreKeyRecord> keys) => new(_keys.SetItems(keys.Select(k => KeyValuePair.Create(k.Id, k))));

    public OneTimePreKeys Remove(IEnumerable<uint> ids) => new(_keys.RemoveRange(ids));

    /// <summary><paramref name="count"/> fresh keys with ids from <paramref name="firstId"/> (wrapping within 24 bits, skipping 0).</summary>
    public static IReadOnlyList<PreKeyRecord> Generate(RandomNumberGenerator random, uint firstId, int count)
    {
        var keys = new PreKeyRecord[count];
        var id = firstId;
        var privateKey = new byte[Curve25519.KeySize];
        for (var i = 0; i < count; i++)
        {
            id = id is 0 or > PreKeyRecord.MaxId ? 1 : id;
            random.GetBytes(privateKey);
            keys[i] = new PreKeyRecord(id, Curve25519.FromPrivateKey(privateKey));
            id++;
        }

        CryptographicOperations.ZeroMemory(privateKey);
        return keys;
    }

    /// <summary>The id after a batch that ends with <paramref name="last"/>, within 24 bits and never 0.</summary>
    public static uint NextId(uint last) => last >= PreKeyRecord.MaxId ? 1 : last + 1;

    /// <summary>The batch's journal event: the private keys sealed under the session's context.</summary>
    public static PreKeysGenerated Seal(IReadOnlyList<PreKeyRecord> batch, SecretBox box, ReadOnlySpan<byte> context)
    {
        var proto = new OneTimePreKeyBatch();
        proto.Keys.AddRange(batch.Select(k => new OneTimePreKey { Id = k.Id, PrivateKey = ByteString.CopyFrom(k.KeyPair.PrivateKey.Span) }));
        var plain = proto.ToByteArray();
        try
        {
            return new PreKeysGenerated
            {
                FirstId = batch[0].Id,
                Count = (uint)batch.Count,
                SealedKeys = ByteString.CopyFrom(box.Seal(plain, context)),
                NextPrekeyId = NextId(batch[^1].Id),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    /// <summary>Opens a batch <see cref="Seal"/> made; a wrong key or changed bytes are a <see cref="SecretsException"/>.</summary>
    public static IReadOnlyList<PreKeyRecord> Open(PreKeysGenerated generated, SecretBox box, ReadOnlySpan<byte> context)
    {
        var plain = box.Open(generated.SealedKeys.Span, context);
        try
        {
            return OneTimePreKeyBatch.Parser.ParseFrom(plain).Keys
                .Select(k => new PreKeyRecord(k.Id, Curve25519.FromPrivateKey(k.PrivateKey.Span)))
                .ToList();
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or ArgumentException)
        {
            throw new SecretsException(SecretsFailure.Tampered, $"A sealed prekey batch opened but does not read as one: {e.GetType().Name}.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    public override string ToString() => $"OneTimePreKeys({_keys.Count} keys)";
}
