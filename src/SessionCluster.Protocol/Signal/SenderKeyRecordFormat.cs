using Google.Protobuf;
using SessionCluster.Protocol.Signal.SenderKeyProto;

namespace SessionCluster.Protocol.Signal;

/// <summary>
/// The stored form of a <see cref="SenderKeyRecord"/>: SenderKeyRecordData in proto/signal/sender_keys.proto.
/// Skipped keys take 32 bytes each plus about one byte of delta-coded iteration, so a record full of
/// skipped keys (a Baileys sender, which skips every other iteration) stays near 66 KB.
/// </summary>
/// <remarks>
/// Reading is strict: anything a correct writer would never produce is a <see cref="SignalRecordException"/>,
/// so a corrupt record is noticed when it is loaded, not as a wrong key later.
/// Version history: 1 — the first format.
/// </remarks>
internal static class SenderKeyRecordFormat
{
    public const uint CurrentVersion = 1;

    public static byte[] Write(ReadOnlySpan<SenderKeyState> states)
    {
        var data = new SenderKeyRecordData { Version = CurrentVersion };
        foreach (var state in states)
        {
            data.States.Add(ToData(state));
        }

        return data.ToByteArray();
    }

    public static SenderKeyState[] Read(ReadOnlySpan<byte> serialized)
    {
        SenderKeyRecordData data;
        try
        {
            data = SenderKeyRecordData.Parser.ParseFrom(serialized);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new SignalRecordException("The sender key record is not valid protobuf.", e);
        }

        if (!data.HasVersion)
        {
            throw new SignalRecordException("The sender key record has no version.");
        }

        if (data.Version != CurrentVersion)
        {
            throw new SignalRecordException($"Sender key record version {data.Version} is not one this build reads (it reads {CurrentVersion}).");
        }

        if (data.States.Count > SenderKeyRecord.MaxStates)
        {
            throw new SignalRecordException($"The sender key record holds {data.States.Count} states; at most {SenderKeyRecord.MaxStates} are kept.");
        }

        var states = new SenderKeyState[data.States.Count];
        for (var i = 0; i < states.Length; i++)
        {
            states[i] = FromData(data.States[i], i);
            for (var j = 0; j < i; j++)
            {
                if (states[j].KeyId == states[i].KeyId)
                {
                    throw new SignalRecordException($"The sender key record holds key id {states[i].KeyId} twice.");
                }
            }
        }

        return states;
    }

    private static SenderKeyStateData ToData(SenderKeyState state)
    {
        var data = new SenderKeyStateData
        {
            KeyId = state.KeyId,
            Iteration = state.Iteration,
            ChainKey = ByteString.CopyFrom(state.ChainKey),
            SigningPublicKey = ByteString.CopyFrom(state.SigningPublicKey),
        };
        if (state.IsOwn)
        {
            data.SigningPrivateKey = ByteString.CopyFrom(state.SigningPrivateKey);
        }

        var skipped = state.SkippedKeys;
        if (skipped.Count > 0)
        {
            var seeds = new byte[skipped.Count * SenderKeySecret.Size];
            var offset = 0;
            var previous = 0u;
            foreach (var key in skipped)
            {
                data.SkippedIterationDeltas.Add(offset == 0 ? key.Iteration : key.Iteration - previous);
                previous = key.Iteration;
                ((ReadOnlySpan<byte>)key.Seed).CopyTo(seeds.AsSpan(offset));
                offset += SenderKeySecret.Size;
            }

            data.SkippedSeeds = UnsafeByteOperations.UnsafeWrap(seeds);
        }

        return data;
    }

    private static SenderKeyState FromData(SenderKeyStateData data, int index)
    {
        if (!data.HasKeyId || !data.HasIteration || !data.HasChainKey || !data.HasSigningPublicKey)
        {
            throw Corrupt(index, "lacks its key id, iteration, chain key or signing key");
        }

        if (data.ChainKey.Length != SenderKeySecret.Size || data.SigningPublicKey.Length != Crypto.Curve25519.KeySize)
        {
            throw Corrupt(index, "has a chain key or signing key of the wrong length");
        }

        byte[]? privateKey = null;
        if (data.HasSigningPrivateKey)
        {
            if (data.SigningPrivateKey.Length != Crypto.Curve25519.KeySize)
            {
                throw Corrupt(index, "has a signing private key of the wrong length");
            }

            privateKey = data.SigningPrivateKey.ToByteArray();
        }

        return new SenderKeyState(data.KeyId, data.Iteration, data.ChainKey.Span, data.SigningPublicKey.ToByteArray(), privateKey, ReadSkippedKeys(data, index));
    }

    private static System.Collections.Immutable.ImmutableSortedSet<SkippedSenderKey> ReadSkippedKeys(SenderKeyStateData data, int index)
    {
        var deltas = data.SkippedIterationDeltas;
        var seeds = data.SkippedSeeds.Span;
        if (deltas.Count == 0 && seeds.IsEmpty)
        {
            return SenderKeyState.NoSkippedKeys;
        }

        if (deltas.Count > SenderKeyState.MaxSkippedKeys)
        {
            throw Corrupt(index, $"keeps {deltas.Count} skipped keys; at most {SenderKeyState.MaxSkippedKeys} are kept");
        }

        if (seeds.Length != deltas.Count * SenderKeySecret.Size)
        {
            throw Corrupt(index, "has skipped-key seeds that do not match its skipped iterations");
        }

        var builder = SenderKeyState.NoSkippedKeys.ToBuilder();
        var iteration = 0ul;
        for (var i = 0; i < deltas.Count; i++)
        {
            if (i > 0 && deltas[i] == 0)
            {
                throw Corrupt(index, "lists a skipped iteration twice");
            }

            iteration += deltas[i];
            if (iteration >= data.Iteration)
            {
                throw Corrupt(index, "keeps a skipped key at or beyond its chain's iteration");
            }

            builder.Add(new SkippedSenderKey((uint)iteration, seeds.Slice(i * SenderKeySecret.Size, SenderKeySecret.Size)));
        }

        return builder.ToImmutable();
    }

    private static SignalRecordException Corrupt(int index, string problem) => new($"Sender key state {index} of the record {problem}.");
}
