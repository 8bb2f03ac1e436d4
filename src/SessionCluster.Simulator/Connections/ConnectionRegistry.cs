using System.Collections.Concurrent;

namespace SessionCluster.Simulator.Connections;

/// <summary>
/// The live connections the server can find again: logged-in ones by device (for conflict/replaced and for
/// delivery) and registering ones by each pair-device ref they were given (for QR linking).
/// </summary>
internal sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<string, ChatConnection> _byDevice = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ChatConnection> _byRef = new(StringComparer.Ordinal);

    public int LoggedIn => _byDevice.Count;

    /// <summary>Makes <paramref name="connection"/> the device's connection; returns the one it replaces, if any.</summary>
    public ChatConnection? Login(string deviceJid, ChatConnection connection)
    {
        ChatConnection? replaced = null;
        _byDevice.AddOrUpdate(deviceJid, connection, (_, previous) =>
        {
            replaced = ReferenceEquals(previous, connection) ? null : previous;
            return connection;
        });
        return replaced;
    }

    /// <summary>Forgets the device's connection if it is still <paramref name="connection"/>.</summary>
    public void Logout(string deviceJid, ChatConnection connection) =>
        _byDevice.TryRemove(new KeyValuePair<string, ChatConnection>(deviceJid, connection));

    public ChatConnection? FindDevice(string deviceJid) => _byDevice.GetValueOrDefault(deviceJid);

    public void AddRefs(IEnumerable<string> refs, ChatConnection connection)
    {
        foreach (var reference in refs)
        {
            _byRef[reference] = connection;
        }
    }

    public void RemoveRefs(IEnumerable<string> refs)
    {
        foreach (var reference in refs)
        {
            _byRef.TryRemove(reference, out _);
        }
    }

    public ChatConnection? FindByRef(string reference) => _byRef.GetValueOrDefault(reference);
}
