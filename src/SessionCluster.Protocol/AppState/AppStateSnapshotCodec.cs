using System.Security.Cryptography;
using Google.Protobuf;
using SessionCluster.Protocol.Wa.AppState;

namespace SessionCluster.Protocol.AppState;

/// <summary>
/// Verifies and decodes a <c>SyncdSnapshot</c>, a whole collection at one version (docs/PROTOCOL.md §14 "Snapshots"), and
/// compacts patches into one the way a server does. Every record is a SET; the snapshot MAC is the snapshot MAC of the
/// LTHash of all records' value MACs at the snapshot's version, under the key the snapshot names.
/// </summary>
/// <remarks>
/// Stricter than Baileys (decodeSyncdSnapshot skips a record that fails and only logs a wrong snapshot MAC): any failed
/// check refuses the whole snapshot, so the caller keeps the state it had. Pure.
/// </remarks>
public static class AppStateSnapshotCodec
{
    /// <summary>Verifies every record and the snapshot MAC; the collection's state at the snapshot's version and one SET per record.</summary>
    /// <exception cref="AppStateException"><see cref="AppStateFailure.MissingKey"/>, <see cref="AppStateFailure.SnapshotMacMismatch"/>,
    /// a record's value or index MAC, or <see cref="AppStateFailure.Malformed"/>.</exception>
    public static AppStatePatchResult Decode(SyncdSnapshot snapshot, string collection, AppStateKeyRing keys)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentException.ThrowIfNullOrEmpty(collection);
        if (snapshot.Version is not { HasVersion: true } || snapshot.Version.Version == 0)
        {
            throw new AppStateException(AppStateFailure.Malformed, $"A {collection} snapshot carries no version.");
        }

        var version = snapshot.Version.Version;
        var where = $"The {collection} snapshot at version {version}";
        var snapshotKeys = keys.Get(AppStatePatchCodec.RequireKeyId(snapshot.KeyID, where));
        var mutations = new List<AppStateMutation>(snapshot.Records.Count);
        var macs = new List<(AppStateOperation, byte[], byte[])>(snapshot.Records.Count);
        foreach (var record in snapshot.Records)
        {
            var (mutation, indexMac, valueMac) = AppStatePatchCodec.DecodeRecord(AppStateOperation.Set, record, keys, where);
            mutations.Add(mutation);
            macs.Add((AppStateOperation.Set, indexMac, valueMac));
        }

        var state = AppStateCollectionState.Empty(collection).Mix(macs, version);
        var mac = AppStateMacs.SnapshotMac(snapshotKeys, state.Hash, version, collection);
        if (!CryptographicOperations.FixedTimeEquals(mac, snapshot.Mac.Span))
        {
            throw new AppStateException(AppStateFailure.SnapshotMacMismatch, $"{where}: the LTHash of its records does not give its MAC.");
        }

        return new AppStatePatchResult(state, mutations);
    }

    /// <summary>
    /// What a server without the keys makes of a collection's patches 1..n (mutations inline): the last SET record of each
    /// index MAC still live, at version n, with patch n's snapshot MAC and key id. That MAC is the snapshot's MAC too, as
    /// the LTHash after patch n is the LTHash of exactly the live records.
    /// </summary>
    /// <exception cref="ArgumentException">No patches, or one that still keeps its mutations in an external blob.</exception>
    public static SyncdSnapshot Compact(IReadOnlyList<SyncdPatch> patches)
    {
        ArgumentNullException.ThrowIfNull(patches);
        if (patches.Count == 0)
        {
            throw new ArgumentException("A snapshot compacts at least one patch.", nameof(patches));
        }

        var live = new Dictionary<string, SyncdRecord>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var patch in patches)
        {
            if (patch.ExternalMutations is not null)
            {
                throw new ArgumentException("Merge a patch's external mutations before compacting it.", nameof(patches));
            }

            foreach (var mutation in patch.Mutations)
            {
                var key = mutation.Record?.Index?.Blob.ToBase64() ?? string.Empty;
                if (mutation.Operation == SyncdMutation.Types.SyncdOperation.Remove)
                {
                    live.Remove(key);
                    order.Remove(key);
                    continue;
                }

                if (!live.ContainsKey(key))
                {
                    order.Add(key);
                }

                live[key] = mutation.Record!.Clone();
            }
        }

        var last = patches[^1];
        var snapshot = new SyncdSnapshot
        {
            Version = new SyncdVersion { Version = last.Version?.Version ?? (ulong)patches.Count },
            Mac = last.SnapshotMAC,
            KeyID = last.KeyID?.Clone(),
        };
        snapshot.Records.AddRange(order.Select(k => live[k]));
        return snapshot;
    }

    /// <summary>Parses a downloaded snapshot blob's plaintext.</summary>
    /// <exception cref="AppStateException"><see cref="AppStateFailure.Malformed"/>.</exception>
    public static SyncdSnapshot Parse(ReadOnlySpan<byte> plaintext)
    {
        try
        {
            return SyncdSnapshot.Parser.ParseFrom(plaintext);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new AppStateException(AppStateFailure.Malformed, "A downloaded app-state snapshot is not a SyncdSnapshot.", e);
        }
    }
}
