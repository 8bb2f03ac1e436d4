using System.Net.Http.Json;
using System.Text.Json;

namespace SessionCluster.Edge.Tests.Linking;

/// <summary>A session created and linked through the API: its QR from the route, scanned by the simulator's phone.</summary>
internal static class QrLinking
{
    /// <summary>Creates <paramref name="session"/>, makes an account for <paramref name="phone"/> and links them; returns once the session is connected.</summary>
    public static async Task LinkAsync(EdgeNode node, string session, string phone)
    {
        await SimulatorPhones.CreateAccountAsync(node.Simulator, phone);
        await node.CreateSessionAsync(session);
        var qr = await node.Http.GetFromJsonAsync<JsonElement>($"/v1/sessions/{session}/qr");
        await SimulatorPhones.ScanAsync(node.Simulator, phone, qr.GetProperty("qr").GetString()!);
        await node.WaitForEventsAsync(session, events => events.Any(IsStatus("connected")), $"session {session} connected");
    }

    public static Func<JsonElement, bool> IsStatus(string status) =>
        e => e.GetProperty("type").GetString() == "session.status" && e.GetProperty("payload").GetProperty("status").GetString() == status;
}
