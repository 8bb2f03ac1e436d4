using System.Collections.Immutable;
using SessionCluster.Protocol.Binary;

namespace SessionCluster.Sessions.State;

/// <summary>
/// The device lists usync answered, per user, for a while (default 5 minutes: sending to a busy contact must not ask
/// the server before every message; seed 004), and dropped at once when a <c>devices</c> notification says the user's
/// list changed. In memory only: after a restart the first send asks again.
/// </summary>
public sealed class DeviceListCache(TimeSpan lifetime)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(5);

    private ImmutableDictionary<string, (IReadOnlyList<Jid> Devices, DateTimeOffset Until)> _lists =
        ImmutableDictionary<string, (IReadOnlyList<Jid> Devices, DateTimeOffset Until)>.Empty;

    public TimeSpan Lifetime { get; } = lifetime;

    /// <summary>The cached devices of <paramref name="user"/> (a user jid, no device) while fresh, else null.</summary>
    public IReadOnlyList<Jid>? Find(Jid user, DateTimeOffset now) =>
        _lists.TryGetValue(Key(user), out var entry) && entry.Until > now ? entry.Devices : null;

    public void Store(Jid user, IReadOnlyList<Jid> devices, DateTimeOffset now) =>
        _lists = _lists.SetItem(Key(user), (devices, now + Lifetime));

    public void Invalidate(Jid user) => _lists = _lists.Remove(Key(user));

    /// <summary>The fresh lists of <paramref name="users"/> now, for one send to decide on (<see cref="DeviceListSnapshot"/>).</summary>
    public DeviceListSnapshot Snapshot(IEnumerable<Jid> users, DateTimeOffset now)
    {
        var lists = ImmutableDictionary.CreateBuilder<string, IReadOnlyList<Jid>>();
        var missing = new List<Jid>();
        foreach (var user in users)
        {
            if (Find(user, now) is { } devices)
            {
                lists[Key(user)] = devices;
            }
            else
            {
                missing.Add(user);
            }
        }

        return new DeviceListSnapshot(lists.ToImmutable(), missing);
    }

    internal static string Key(Jid user) => user.ToNonAd().ToString();
}
