namespace SessionCluster.Sessions;

/// <summary>
/// The session client's reserved log event id range (1000–1999; the simulator has 1–999, the storage layer 5000–5099, the
/// node host 7000–7099). 1000–1499 belong to the connection (11xx: <c>Connection/ConnectionLog</c>) and the flows (12xx:
/// <c>Flows/LinkingLog</c>), 1500–1599 to the
/// session's state. <c>ConnectionEventIdTests</c> fails on a duplicate or an id outside the range.
/// </summary>
internal static class SessionsEventIds
{
    public const int First = 1000;
    public const int Last = 1999;
}
