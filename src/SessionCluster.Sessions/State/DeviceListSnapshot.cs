using System.Collections.Immutable;
using SessionCluster.Protocol.Binary;

namespace SessionCluster.Sessions.State;

/// <summary>
/// The device lists one send is decided on, per user, read from the <see cref="DeviceListCache"/> once and completed
/// with the usync answer for the users it did not hold. A send reads its devices from here and never from the cache
/// again: an entry that expired while the others were asked used to drop its user from the send unseen (the soak met it
/// 4 times in 21,000 sends: a text that reached only our own phone, or only the recipient).
/// </summary>
public sealed class DeviceListSnapshot
{
    private readonly ImmutableDictionary<string, IReadOnlyList<Jid>> _lists;

    internal DeviceListSnapshot(ImmutableDictionary<string, IReadOnlyList<Jid>> lists, IReadOnlyList<Jid> missing)
    {
        _lists = lists;
        Missing = missing;
    }

    /// <summary>The users the cache had no fresh list of: to be asked by usync.</summary>
    public IReadOnlyList<Jid> Missing { get; }

    /// <summary>The devices of <paramref name="user"/> (none when neither the cache nor the answer had the user).</summary>
    public IReadOnlyList<Jid> Of(Jid user) => _lists.GetValueOrDefault(DeviceListCache.Key(user)) ?? [];

    /// <summary>This snapshot completed with the lists usync answered; nothing is missing any more.</summary>
    public DeviceListSnapshot With(IEnumerable<(Jid User, IReadOnlyList<Jid> Devices)> answered) =>
        new(_lists.SetItems(answered.Select(a => KeyValuePair.Create(DeviceListCache.Key(a.User), a.Devices))), []);
}
