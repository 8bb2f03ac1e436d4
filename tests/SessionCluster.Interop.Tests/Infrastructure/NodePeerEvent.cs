using System.Text.Json;

namespace SessionCluster.Interop.Tests.Infrastructure;

/// <summary>
/// A notification the peer sent without being asked: the line <c>{"event":Name,"data":Data}</c>.
/// </summary>
/// <param name="Name">The event name.</param>
/// <param name="Data">The <c>data</c> value (JSON null when absent); detached from any document.</param>
public sealed record NodePeerEvent(string Name, JsonElement Data);
