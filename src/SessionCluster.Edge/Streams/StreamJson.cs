using System.Text.Json;
using SessionCluster.Edge.Events;

namespace SessionCluster.Edge.Streams;

/// <summary>An event as the streams send it: the <see cref="EventView"/> JSON the REST routes answer, on one line.</summary>
internal static class StreamJson
{
    public static byte[] Serialize(TenantEvent e) => JsonSerializer.SerializeToUtf8Bytes(EventView.From(e.Session.Id, e.Event), JsonSerializerOptions.Web);
}
