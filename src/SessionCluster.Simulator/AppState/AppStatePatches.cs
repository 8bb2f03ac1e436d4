using SessionCluster.Protocol.AppState;
using SessionCluster.Protocol.Wa.AppState;

namespace SessionCluster.Simulator.AppState;

/// <summary>
/// What the server keeps of app state (docs/PROTOCOL.md §14 "The simulator"): per account and collection the patches
/// in version order, as uploaded but stamped with the version the server gave them. The server cannot read them (it
/// has no keys); it only orders them. In memory: a restarted simulator starts every collection at version 0.
/// </summary>
internal sealed class AppStatePatches
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Phone, string Collection), List<byte[]>> _patches = [];
    private readonly Dictionary<(string Phone, string Collection), (ulong Version, ExternalBlobReference Reference)> _snapshots = [];

    /// <summary>The collection's latest snapshot, if one was made: its version and the reference to its uploaded blob.</summary>
    public (ulong Version, ExternalBlobReference Reference)? Snapshot(string phone, string collection)
    {
        lock (_lock)
        {
            return _snapshots.TryGetValue((phone, collection), out var snapshot) ? snapshot : null;
        }
    }

    /// <summary>Keeps <paramref name="reference"/> as the collection's snapshot at <paramref name="version"/> (the patches stay too).</summary>
    public void SetSnapshot(string phone, string collection, ulong version, ExternalBlobReference reference)
    {
        lock (_lock)
        {
            _snapshots[(phone, collection)] = (version, reference.Clone());
        }
    }

    /// <summary>The collection's version: how many patches it holds.</summary>
    public ulong Version(string phone, string collection)
    {
        lock (_lock)
        {
            return (ulong)(_patches.GetValueOrDefault((phone, collection))?.Count ?? 0);
        }
    }

    /// <summary>Up to <paramref name="max"/> patches after <paramref name="after"/>, and whether more follow.</summary>
    public (IReadOnlyList<byte[]> Patches, bool HasMore) After(string phone, string collection, ulong after, int max)
    {
        lock (_lock)
        {
            var all = _patches.GetValueOrDefault((phone, collection)) ?? [];
            var start = (int)Math.Min(after, (ulong)all.Count);
            var count = Math.Min(max, all.Count - start);
            return (all.GetRange(start, count), start + count < all.Count);
        }
    }

    /// <summary>
    /// Appends <paramref name="patch"/> as the next version when the collection is at <paramref name="baseVersion"/>;
    /// returns the new version, or null when another device wrote first (the writer must fetch and rebuild).
    /// </summary>
    public ulong? TryAppend(string phone, string collection, ulong baseVersion, SyncdPatch patch)
    {
        ArgumentNullException.ThrowIfNull(patch);
        if (!AppStateCollections.IsKnown(collection))
        {
            throw new ArgumentException($"'{collection}' is not an app state collection.", nameof(collection));
        }

        lock (_lock)
        {
            if (!_patches.TryGetValue((phone, collection), out var list))
            {
                list = [];
                _patches[(phone, collection)] = list;
            }

            if ((ulong)list.Count != baseVersion)
            {
                return null;
            }

            var stamped = patch.Clone();
            stamped.Version = new SyncdVersion { Version = baseVersion + 1 };
            list.Add(Google.Protobuf.MessageExtensions.ToByteArray(stamped));
            return baseVersion + 1;
        }
    }
}
