namespace SessionCluster.Sessions;

/// <summary>
/// What a session's media_conn answer allows (docs/PROTOCOL.md §12): uploads to <paramref name="Hosts"/> (host[:port],
/// in the server's order of preference) with <paramref name="Auth"/>, until <paramref name="ExpiresAt"/>. The auth is a
/// credential: <see cref="ToString"/> leaves it out.
/// </summary>
public sealed record MediaConnection(string Auth, IReadOnlyList<string> Hosts, DateTimeOffset ExpiresAt)
{
    public override string ToString() => $"MediaConnection {{ Hosts = {string.Join(", ", Hosts)}, ExpiresAt = {ExpiresAt:O} }}";
}
