using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using SessionCluster.Edge.Events;

namespace SessionCluster.Edge.Streams;

/// <summary>
/// An event as the streams send it: the <see cref="EventView"/> JSON the REST routes answer, on one line (a WebSocket
/// message), or framed as Server-Sent Events. The hub hands every live subscriber the same <see cref="TenantEvent"/>,
/// so its bytes are made once per event (and kept as long as the event is), not once per subscriber.
/// </summary>
internal static class StreamJson
{
    private static readonly ConditionalWeakTable<TenantEvent, byte[]> Messages = [];
    private static readonly ConditionalWeakTable<TenantEvent, byte[]> Frames = [];

    /// <summary>The event's JSON.</summary>
    public static byte[] Message(TenantEvent e) => Messages.GetValue(e, Serialize);

    /// <summary>
    /// <c>id: SESSION:SEQ</c>, <c>event: TYPE</c>, <c>data: JSON</c> and the blank line that ends an SSE event. The JSON
    /// has no line break (strings escape theirs), so one <c>data:</c> line holds it.
    /// </summary>
    public static byte[] SseFrame(TenantEvent e) => Frames.GetValue(e, static e =>
    {
        var json = Message(e);
        var head = Encoding.UTF8.GetBytes($"id: {e.Session.Id}:{e.Event.Sequence}\nevent: {EventView.TypeOf(e.Event.Body)}\ndata: ");
        var frame = new byte[head.Length + json.Length + 2];
        head.CopyTo(frame, 0);
        json.CopyTo(frame, head.Length);
        frame[^2] = (byte)'\n';
        frame[^1] = (byte)'\n';
        return frame;
    });

    private static byte[] Serialize(TenantEvent e) => JsonSerializer.SerializeToUtf8Bytes(EventView.From(e.Session.Id, e.Event), JsonSerializerOptions.Web);
}
