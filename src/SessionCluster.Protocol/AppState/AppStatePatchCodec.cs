using System.Security.Cryptography;
using Google.Protobuf;
using SessionCluster.Protocol.Wa.AppState;

namespace SessionCluster.Protocol.AppState;

/// <summary>A mutation to write: the index, the action and its schema version (Baileys chatModificationToAppPatch's apiVersion).</summary>
public sealed record AppStateMutationRequest(AppStateOperation Operation, IReadOnlyList<string> Index, SyncActionValue Value, int ActionVersion);

/// <summary>
/// Verifies and decodes <c>SyncdPatch</c>es into typed mutations, and encodes new ones (docs/PROTOCOL.md §14 "Verifying a
/// patch", "Writing a patch").
/// </summary>
/// <remarks>
/// Stricter than Baileys, which skips a record whose value MAC fails and keeps going after an LTHash mismatch: here
/// any failed check refuses the whole patch and the caller keeps its previous state, so a tampered or diverged
/// collection never half-applies. Pure: no I/O, inputs are never changed.
/// </remarks>
public static class AppStatePatchCodec
{
    /// <summary>Verifies every MAC of <paramref name="patch"/>, the collection's next version, against <paramref name="state"/> and decrypts its mutations.</summary>
    /// <exception cref="AppStateException">Any failed check; <paramref name="state"/> is unaffected.</exception>
    public static AppStatePatchResult Decode(SyncdPatch patch, AppStateCollectionState state, AppStateKeyRing keys) =>
        Decode(patch, state, keys, (state ?? throw new ArgumentNullException(nameof(state))).Version + 1);

    /// <summary>
    /// As <see cref="Decode(SyncdPatch, AppStateCollectionState, AppStateKeyRing)"/>, for a device that refused the patches
    /// between its state and <paramref name="expectedVersion"/>: a refused patch leaves the state where it was, and the next
    /// patch its writer built without it still verifies, since its snapshot MAC covers the LTHash and the version together.
    /// </summary>
    /// <exception cref="AppStateException">Any failed check; <see cref="AppStateFailure.VersionGap"/> when the patch is not
    /// <paramref name="expectedVersion"/>.</exception>
    public static AppStatePatchResult Decode(SyncdPatch patch, AppStateCollectionState state, AppStateKeyRing keys, ulong expectedVersion)
    {
        ArgumentNullException.ThrowIfNull(patch);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(keys);
        if (patch.Version is null || !patch.Version.HasVersion)
        {
            throw new AppStateException(AppStateFailure.Malformed, $"A {state.Name} patch carries no version.");
        }

        var version = patch.Version.Version;
        if (version != expectedVersion || version <= state.Version)
        {
            throw new AppStateException(AppStateFailure.VersionGap, $"{state.Name} is at version {state.Version} and expects {expectedVersion} next; a patch to version {version} does not follow.");
        }

        if (patch.ExternalMutations is not null)
        {
            // The patch MAC covers the blob's value MACs too: it cannot be checked before the blob is read (§14 "External blobs").
            throw new AppStateException(AppStateFailure.ExternalBlob, $"The {state.Name} patch {version} keeps its mutations in an external blob; download it and merge it with AppStateExternalBlobs.WithExternalMutations first.");
        }

        var patchKeyId = RequireKeyId(patch.KeyID, $"The {state.Name} patch {version}");
        var patchKeys = keys.Get(patchKeyId);
        var carriedMacs = patch.Mutations.Select(m => MutationValueCipher.CarriedMac(m.Record?.Value?.Blob.Memory ?? ReadOnlyMemory<byte>.Empty)).ToList();
        var patchMac = AppStateMacs.PatchMac(patchKeys, patch.SnapshotMAC.Span, carriedMacs, version, state.Name);
        if (!CryptographicOperations.FixedTimeEquals(patchMac, patch.PatchMAC.Span))
        {
            throw new AppStateException(AppStateFailure.PatchMacMismatch, $"The {state.Name} patch {version} has a patch MAC that does not verify.");
        }

        var mutations = new List<AppStateMutation>(patch.Mutations.Count);
        var macs = new List<(AppStateOperation, byte[], byte[])>(patch.Mutations.Count);
        foreach (var mutation in patch.Mutations)
        {
            var operation = mutation.Operation == SyncdMutation.Types.SyncdOperation.Remove ? AppStateOperation.Remove : AppStateOperation.Set;
            var (decoded, indexMac, valueMac) = DecodeRecord(operation, mutation.Record, keys, $"the {state.Name} patch {version}");
            mutations.Add(decoded);
            macs.Add((operation, indexMac, valueMac));
        }

        var next = state.Mix(macs, version);
        var snapshotMac = AppStateMacs.SnapshotMac(patchKeys, next.Hash, version, state.Name);
        if (!CryptographicOperations.FixedTimeEquals(snapshotMac, patch.SnapshotMAC.Span))
        {
            throw new AppStateException(AppStateFailure.SnapshotMacMismatch, $"After the {state.Name} patch {version} the LTHash does not give the patch's snapshot MAC.");
        }

        return new AppStatePatchResult(next, mutations);
    }

    /// <summary>
    /// Encodes <paramref name="mutations"/> as the patch that takes <paramref name="state"/> to version + 1, written with
    /// the key <paramref name="keyId"/>. The patch carries no version: the server assigns it (as Baileys' appPatch);
    /// the upload names <c>state.Version</c> as the version it builds on.
    /// </summary>
    /// <exception cref="AppStateException"><see cref="AppStateFailure.MissingKey"/>.</exception>
    public static AppStateEncodedPatch Encode(AppStateCollectionState state, AppStateKeyRing keys, ReadOnlySpan<byte> keyId, IReadOnlyList<AppStateMutationRequest> mutations)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(mutations);
        if (mutations.Count == 0)
        {
            throw new ArgumentException("A patch holds at least one mutation.", nameof(mutations));
        }

        var mutationKeys = keys.Get(keyId);
        var keyIdProto = new KeyId { ID = ByteString.CopyFrom(keyId) };
        var patch = new SyncdPatch { KeyID = keyIdProto };
        var macs = new List<(AppStateOperation, byte[], byte[])>(mutations.Count);
        var valueMacs = new List<ReadOnlyMemory<byte>>(mutations.Count);
        foreach (var request in mutations)
        {
            var index = AppStateIndex.Encode(request.Index);
            var data = new SyncActionData
            {
                Index = ByteString.CopyFrom(index),
                Value = request.Value,
                Padding = ByteString.Empty,
                Version = request.ActionVersion,
            };
            var (blob, valueMac) = MutationValueCipher.Encrypt(mutationKeys, request.Operation, keyId, data);
            var indexMac = AppStateMacs.IndexMac(mutationKeys, index);
            patch.Mutations.Add(new SyncdMutation
            {
                Operation = request.Operation == AppStateOperation.Remove ? SyncdMutation.Types.SyncdOperation.Remove : SyncdMutation.Types.SyncdOperation.Set,
                Record = new SyncdRecord
                {
                    Index = new SyncdIndex { Blob = ByteString.CopyFrom(indexMac) },
                    Value = new SyncdValue { Blob = ByteString.CopyFrom(blob) },
                    KeyID = keyIdProto,
                },
            });
            macs.Add((request.Operation, indexMac, valueMac));
            valueMacs.Add(valueMac);
        }

        var next = state.Mix(macs, state.Version + 1);
        var snapshotMac = AppStateMacs.SnapshotMac(mutationKeys, next.Hash, next.Version, state.Name);
        patch.SnapshotMAC = ByteString.CopyFrom(snapshotMac);
        patch.PatchMAC = ByteString.CopyFrom(AppStateMacs.PatchMac(mutationKeys, snapshotMac, valueMacs, next.Version, state.Name));
        return new AppStateEncodedPatch(patch, next);
    }

    /// <summary>
    /// Verifies one record (value MAC, decryption, index MAC) with the key it names: the mutation, its index MAC and the
    /// value MAC it carries. <paramref name="where"/> names the patch or snapshot in messages.
    /// </summary>
    internal static (AppStateMutation Mutation, byte[] IndexMac, byte[] ValueMac) DecodeRecord(AppStateOperation operation, SyncdRecord? record, AppStateKeyRing keys, string where)
    {
        if (record?.Value is null)
        {
            throw new AppStateException(AppStateFailure.Malformed, $"A record of {where} has no value.");
        }

        var keyId = RequireKeyId(record.KeyID, where);
        var recordKeys = keys.Get(keyId);
        var data = MutationValueCipher.Decrypt(recordKeys, operation, keyId, record.Value.Blob.Memory);
        var indexMac = record.Index?.Blob.ToByteArray() ?? [];
        if (!CryptographicOperations.FixedTimeEquals(AppStateMacs.IndexMac(recordKeys, data.Index.Span), indexMac))
        {
            throw new AppStateException(AppStateFailure.IndexMacMismatch, $"A record of {where} has an index MAC that does not match its index.");
        }

        var mutation = new AppStateMutation(operation, AppStateIndex.Decode(data.Index.Span), data.Value ?? new SyncActionValue(), data.Version);
        return (mutation, indexMac, MutationValueCipher.CarriedMac(record.Value.Blob.Memory).ToArray());
    }

    internal static byte[] RequireKeyId(KeyId? keyId, string where) =>
        keyId is { HasID: true } && !keyId.ID.IsEmpty
            ? keyId.ID.ToByteArray()
            : throw new AppStateException(AppStateFailure.Malformed, $"{where}, or a record of it, names no key id.");
}
