using System.Collections.Immutable;

namespace SessionCluster.Protocol.AppState;

/// <summary>
/// What a device keeps of one collection to verify and extend it (docs/PROTOCOL.md §14 "State"): the version it
/// has applied, the LTHash of the live records, and each live record's value MAC by its index MAC (base64), which a
/// later SET or REMOVE of the same index must subtract from the hash.
/// </summary>
/// <param name="Name">The collection, one of <see cref="AppStateCollections.All"/>.</param>
/// <param name="Version">The last applied patch's version; 0 before the first.</param>
/// <param name="Hash">The LTHash of the live records.</param>
/// <param name="ValueMacs">Live records: base64 index MAC → value MAC.</param>
public sealed record AppStateCollectionState(string Name, ulong Version, LtHash Hash, ImmutableDictionary<string, ReadOnlyMemory<byte>> ValueMacs)
{
    /// <summary>A collection nothing was applied to yet.</summary>
    public static AppStateCollectionState Empty(string name) =>
        new(name, 0, LtHash.Empty, ImmutableDictionary<string, ReadOnlyMemory<byte>>.Empty);

    /// <summary>
    /// Applies index/value MAC pairs the way the LTHash generator does: a SET subtracts the index's previous value MAC
    /// (if any) and adds its own; a REMOVE subtracts the previous one. A REMOVE of an unknown index changes nothing, as
    /// in WhatsApp Web; the snapshot MAC check then catches a divergence.
    /// </summary>
    internal AppStateCollectionState Mix(IEnumerable<(AppStateOperation Operation, byte[] IndexMac, byte[] ValueMac)> mutations, ulong version)
    {
        var macs = ValueMacs.ToBuilder();
        var removed = new List<ReadOnlyMemory<byte>>();
        var added = new List<ReadOnlyMemory<byte>>();
        foreach (var (operation, indexMac, valueMac) in mutations)
        {
            var key = Convert.ToBase64String(indexMac);
            var known = macs.TryGetValue(key, out var previous);
            if (operation == AppStateOperation.Remove)
            {
                if (!known)
                {
                    continue;
                }

                macs.Remove(key);
            }
            else
            {
                added.Add(valueMac);
                macs[key] = valueMac;
            }

            if (known)
            {
                removed.Add(previous);
            }
        }

        return this with { Version = version, Hash = Hash.SubtractThenAdd(removed, added), ValueMacs = macs.ToImmutable() };
    }
}
