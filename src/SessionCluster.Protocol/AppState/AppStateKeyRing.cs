using System.Collections.Immutable;

namespace SessionCluster.Protocol.AppState;

/// <summary>
/// The app-state sync keys a device was given (APP_STATE_SYNC_KEY_SHARE, docs/PROTOCOL.md §14 "Keys"), expanded, by
/// key id. The newest key shared is the one new patches are written with, as Baileys' <c>myAppStateKeyId</c>.
/// </summary>
/// <remarks>Secret material: never log it. Immutable; <see cref="With"/> returns a new ring.</remarks>
public sealed class AppStateKeyRing
{
    private readonly ImmutableDictionary<string, MutationKeys> _keys;

    private AppStateKeyRing(ImmutableDictionary<string, MutationKeys> keys, ReadOnlyMemory<byte> latestKeyId)
    {
        _keys = keys;
        LatestKeyId = latestKeyId;
    }

    /// <summary>A ring with no keys.</summary>
    public static AppStateKeyRing Empty { get; } = new(ImmutableDictionary<string, MutationKeys>.Empty, ReadOnlyMemory<byte>.Empty);

    /// <summary>The id of the key added last; empty when there is none.</summary>
    public ReadOnlyMemory<byte> LatestKeyId { get; }

    /// <summary>How many keys the ring holds.</summary>
    public int Count => _keys.Count;

    /// <summary>A ring with <paramref name="keyData"/> added under <paramref name="keyId"/>, which becomes the latest.</summary>
    public AppStateKeyRing With(ReadOnlySpan<byte> keyId, ReadOnlySpan<byte> keyData)
    {
        if (keyId.IsEmpty)
        {
            throw new ArgumentException("An app-state sync key id is not empty.", nameof(keyId));
        }

        return new AppStateKeyRing(_keys.SetItem(Convert.ToBase64String(keyId), MutationKeys.Expand(keyData)), keyId.ToArray());
    }

    /// <summary>The expanded key with this id.</summary>
    /// <exception cref="AppStateException"><see cref="AppStateFailure.MissingKey"/>.</exception>
    public MutationKeys Get(ReadOnlySpan<byte> keyId) =>
        _keys.TryGetValue(Convert.ToBase64String(keyId), out var keys)
            ? keys
            : throw new AppStateException(AppStateFailure.MissingKey, $"No app-state sync key with id {Convert.ToBase64String(keyId)} was shared with this device.");

    /// <summary>Whether a key with this id is held.</summary>
    public bool Contains(ReadOnlySpan<byte> keyId) => _keys.ContainsKey(Convert.ToBase64String(keyId));
}
