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
/// <remarks>
/// Held compactly because every linked session keeps a batch for as long as it lives, idle or not: sorted ids and their
/// 32-byte private keys side by side in two arrays (about 2 KiB for 50 keys, against about 8 KiB as records, key pairs
/// and map nodes). The public half is derived again when a key is found, which happens only for a pkmsg.
/// </remarks>
public sealed class OneTimePreKeys
{
    private readonly uint[] _ids;
    private readonly byte[] _privateKeys;

    private OneTimePreKeys(uint[] ids, byte[] privateKeys)
    {
        _ids = ids;
        _privateKeys = privateKeys;
    }

    public static OneTimePreKeys Empty { get; } = new([], []);

    public int Count => _ids.Length;

    public PreKeyRecord? Find(uint id)
    {
        var index = Array.BinarySearch(_ids, id);
        return index < 0 ? null : new PreKeyRecord(id, Curve25519.FromPrivateKey(PrivateKey(index)));
    }

    /// <summary>These keys added; a key whose id is already held replaces it.</summary>
    public OneTimePreKeys Add(IEnumerable<PreKeyRecord> keys)
    {
        var merged = new SortedDictionary<uint, ReadOnlyMemory<byte>>();
        for (var i = 0; i < _ids.Length; i++)
        {
            merged[_ids[i]] = _privateKeys.AsMemory(i * Curve25519.KeySize, Curve25519.KeySize);
        }

        foreach (var key in keys)
        {
            merged[key.Id] = key.KeyPair.PrivateKey;
        }

        return From(merged);
    }

    public OneTimePreKeys Remove(IEnumerable<uint> ids)
    {
        var removed = ids.ToHashSet();
        var kept = new SortedDictionary<uint, ReadOnlyMemory<byte>>();
        for (var i = 0; i < _ids.Length; i++)
        {
            if (!removed.Contains(_ids[i]))
            {
                kept[_ids[i]] = _privateKeys.AsMemory(i * Curve25519.KeySize, Curve25519.KeySize);
            }
        }

        return kept.Count == _ids.Length ? this : From(kept);
    }

    private ReadOnlySpan<byte> PrivateKey(int index) => _privateKeys.AsSpan(index * Curve25519.KeySize, Curve25519.KeySize);

    private static OneTimePreKeys From(SortedDictionary<uint, ReadOnlyMemory<byte>> keys)
    {
        var ids = new uint[keys.Count];
        var privateKeys = new byte[keys.Count * Curve25519.KeySize];
        var index = 0;
        foreach (var (id, privateKey) in keys)
        {
            ids[index] = id;
            privateKey.Span.CopyTo(privateKeys.AsSpan(index * Curve25519.KeySize));
            index++;
        }

        return new OneTimePreKeys(ids, privateKeys);
    }

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

    /// <summary>
    /// These keys with a batch <see cref="Seal"/> made added (a key whose id is held is replaced); a wrong key or changed
    /// bytes are a <see cref="SecretsException"/>. Only the private halves are read: deriving each public half (a scalar
    /// multiplication) for every key of every batch cost about a sixth of a node's CPU while thousands of sessions
    /// recovered at once (docs/BENCHMARKS.md), and <see cref="Find"/> derives it for the one key a pkmsg names.
    /// </summary>
    public OneTimePreKeys AddSealed(PreKeysGenerated generated, SecretBox box, ReadOnlySpan<byte> context)
    {
        ArgumentNullException.ThrowIfNull(generated);
        ArgumentNullException.ThrowIfNull(box);
        var plain = box.Open(generated.SealedKeys.Span, context);
        try
        {
            var merged = new SortedDictionary<uint, ReadOnlyMemory<byte>>();
            for (var i = 0; i < _ids.Length; i++)
            {
                merged[_ids[i]] = _privateKeys.AsMemory(i * Curve25519.KeySize, Curve25519.KeySize);
            }

            foreach (var key in OneTimePreKeyBatch.Parser.ParseFrom(plain).Keys)
            {
                if (key.PrivateKey.Length != Curve25519.KeySize || key.Id is 0 or > PreKeyRecord.MaxId)
                {
                    throw new SecretsException(SecretsFailure.Tampered, "A sealed prekey batch opened but holds a key that is no prekey.");
                }

                merged[key.Id] = key.PrivateKey.Memory;
            }

            return From(merged);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new SecretsException(SecretsFailure.Tampered, $"A sealed prekey batch opened but does not read as one: {e.GetType().Name}.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    public override string ToString() => $"OneTimePreKeys({_ids.Length} keys)";
}
