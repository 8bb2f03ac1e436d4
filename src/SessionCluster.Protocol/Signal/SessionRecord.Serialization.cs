using Google.Protobuf;
using SessionCluster.Protocol.Signal.Proto;

namespace SessionCluster.Protocol.Signal;

/// <summary>
/// Storage form of a <see cref="SessionRecord"/>: <c>proto/signal/session.proto</c>, with a record
/// version. Version 1 is the only one so far; every version ever written stays readable (a test reads a
/// record written by the first serializer).
/// </summary>
public sealed partial class SessionRecord
{
    /// <summary>The record version <see cref="Serialize"/> writes.</summary>
    public const uint CurrentRecordVersion = 1;

    private const int KeySize = 32;

    public byte[] Serialize()
    {
        var structure = new SessionRecordStructure
        {
            Version = CurrentRecordVersion,
            LastCloseOrdinal = LastCloseOrdinal,
        };
        if (Current is not null)
        {
            structure.Current = ToStructure(Current);
        }

        foreach (var state in archived)
        {
            structure.Archived.Add(ToStructure(state));
        }

        return structure.ToByteArray();
    }

    /// <exception cref="SignalRecordException">The bytes are not a session record, or one of a version this build does not know.</exception>
    public static SessionRecord Deserialize(ReadOnlySpan<byte> serialized)
    {
        SessionRecordStructure structure;
        try
        {
            structure = SessionRecordStructure.Parser.ParseFrom(serialized);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new SignalRecordException("The session record does not parse.", e);
        }

        if (structure.Version != CurrentRecordVersion)
        {
            throw new SignalRecordException($"Session record version {structure.Version} is not one this build reads (it reads {CurrentRecordVersion}).");
        }

        if (structure.Archived.Count > MaxArchivedSessions)
        {
            throw new SignalRecordException($"The session record holds {structure.Archived.Count} archived sessions; at most {MaxArchivedSessions} are kept.");
        }

        var current = structure.Current is null ? null : FromStructure(structure.Current, archivedState: false);
        var archivedStates = new SessionState[structure.Archived.Count];
        for (var i = 0; i < archivedStates.Length; i++)
        {
            archivedStates[i] = FromStructure(structure.Archived[i], archivedState: true);
            if (archivedStates[i].CloseOrdinal > structure.LastCloseOrdinal)
            {
                throw new SignalRecordException("An archived session's close ordinal is later than the record's last one.");
            }
        }

        return FromParts(current, archivedStates, structure.LastCloseOrdinal);
    }

    private static SessionStructure ToStructure(SessionState state)
    {
        var structure = new SessionStructure
        {
            RemoteIdentityKey = ByteString.CopyFrom(state.RemoteIdentityKey),
            RemoteRegistrationId = state.RemoteRegistrationId,
            BaseKey = ByteString.CopyFrom(state.BaseKey),
            BaseKeyIsOurs = state.BaseKeyIsOurs,
            RootKey = ByteString.CopyFrom(state.RootKey),
            SenderRatchetPrivateKey = ByteString.CopyFrom(state.SenderRatchetPrivateKey),
            SenderRatchetPublicKey = ByteString.CopyFrom(state.SenderRatchetPublicKey),
            LastRemoteRatchetKey = ByteString.CopyFrom(state.LastRemoteRatchetKey),
            PreviousCounter = state.PreviousCounter,
            CloseOrdinal = state.CloseOrdinal,
        };
        if (state.SendingChainKey is not null)
        {
            structure.SendingChain = new SendingChainStructure
            {
                ChainKey = ByteString.CopyFrom(state.SendingChainKey),
                NextIndex = state.SendingIndex,
            };
        }

        foreach (var chain in state.ReceiverChains)
        {
            var chainStructure = new ReceiverChainStructure
            {
                RatchetKey = ByteString.CopyFrom(chain.RatchetKey),
                ChainKey = chain.ChainKey is null ? ByteString.Empty : ByteString.CopyFrom(chain.ChainKey),
                NextIndex = chain.NextIndex,
                SkippedSeeds = ByteString.CopyFrom(chain.Skipped.Seeds),
            };
            foreach (var counter in chain.Skipped.Counters)
            {
                chainStructure.SkippedCounters.Add(counter);
            }

            structure.ReceiverChains.Add(chainStructure);
        }

        if (state.PendingPreKey is { } pending)
        {
            structure.PendingPreKey = new PendingPreKeyStructure { SignedPreKeyId = pending.SignedPreKeyId };
            if (pending.PreKeyId is { } preKeyId)
            {
                structure.PendingPreKey.PreKeyId = preKeyId;
            }
        }

        return structure;
    }

    private static SessionState FromStructure(SessionStructure structure, bool archivedState)
    {
        if (archivedState != (structure.CloseOrdinal != 0))
        {
            throw new SignalRecordException(archivedState ? "An archived session has no close ordinal." : "The current session has a close ordinal.");
        }

        if (structure.ReceiverChains.Count > SessionState.MaxReceiverChains)
        {
            throw new SignalRecordException($"A session holds {structure.ReceiverChains.Count} receiver chains; at most {SessionState.MaxReceiverChains} are kept.");
        }

        var chains = new ReceiverChain[structure.ReceiverChains.Count];
        for (var i = 0; i < chains.Length; i++)
        {
            var chain = structure.ReceiverChains[i];
            if (!SkippedMessageKeys.TryCreate([.. chain.SkippedCounters], chain.SkippedSeeds.ToByteArray(), out var skipped)
                || (skipped.Count > 0 && skipped.Counters[^1] >= chain.NextIndex))
            {
                throw new SignalRecordException("A receiver chain's skipped message keys are malformed.");
            }

            chains[i] = new ReceiverChain(
                Key(chain.RatchetKey, "receiver chain ratchet key"),
                chain.ChainKey.IsEmpty ? null : Key(chain.ChainKey, "receiver chain key"),
                chain.NextIndex,
                skipped);
        }

        PendingPreKey? pending = null;
        if (structure.PendingPreKey is { } pendingStructure)
        {
            pending = new PendingPreKey(pendingStructure.HasPreKeyId ? pendingStructure.PreKeyId : null, pendingStructure.SignedPreKeyId);
        }

        return new SessionState
        {
            RemoteIdentityKey = Key(structure.RemoteIdentityKey, "remote identity key"),
            RemoteRegistrationId = structure.RemoteRegistrationId,
            BaseKey = Key(structure.BaseKey, "base key"),
            BaseKeyIsOurs = structure.BaseKeyIsOurs,
            RootKey = Key(structure.RootKey, "root key"),
            SenderRatchetPrivateKey = Key(structure.SenderRatchetPrivateKey, "sender ratchet private key"),
            SenderRatchetPublicKey = Key(structure.SenderRatchetPublicKey, "sender ratchet public key"),
            LastRemoteRatchetKey = Key(structure.LastRemoteRatchetKey, "last remote ratchet key"),
            PreviousCounter = structure.PreviousCounter,
            SendingChainKey = structure.SendingChain is null ? null : Key(structure.SendingChain.ChainKey, "sending chain key"),
            SendingIndex = structure.SendingChain?.NextIndex ?? 0,
            ReceiverChains = chains,
            PendingPreKey = pending,
            CloseOrdinal = structure.CloseOrdinal,
        };
    }

    private static byte[] Key(ByteString value, string name) =>
        value.Length == KeySize ? value.ToByteArray() : throw new SignalRecordException($"The {name} is {value.Length} bytes, not {KeySize}.");
}
