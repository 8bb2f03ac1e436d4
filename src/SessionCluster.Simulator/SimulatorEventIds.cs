namespace SessionCluster.Simulator;

/// <summary>
/// The simulator's reserved log event id range (1–999; the storage layer has 5000–5099, the node host 7000–7099).
/// Each class keeps its own <c>[LoggerMessage]</c> methods; the hundreds say where a line comes from: 0xx hosting,
/// 1xx connections, 2xx login, 3xx iq routing, 4xx the phone (40x, 430) and linking (41x–42x), 5xx media, 6xx relay
/// (60x) and groups (61x–62x). <c>EventIdTests</c> fails on a duplicate or an id outside the range.
/// </summary>
internal static class SimulatorEventIds
{
    public const int First = 1;
    public const int Last = 999;
}
