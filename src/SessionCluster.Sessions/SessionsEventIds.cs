namespace SessionCluster.Sessions;

/// <summary>
/// The session client's reserved log event id range (1000–1999; the simulator has 1–999, the storage layer 5000–5099, the
/// node host 7000–7099). The hundreds say where a line comes from: 11xx the connection. <c>EventIdTests</c> fails on a
/// duplicate or an id outside the range.
/// </summary>
internal static class SessionsEventIds
{
    public const int First = 1000;
    public const int Last = 1999;
}
