using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SessionCluster.Edge.Tests.Linking;

/// <summary>The simulator's phones in a chat with a session: a phone sends a text, and waits for the receipts it gets.</summary>
internal static class PhoneChats
{
    /// <summary>The phone <paramref name="from"/> sends <paramref name="text"/> to the account <paramref name="to"/>; returns the message id.</summary>
    public static async Task<string> SendAsync(EdgeNode node, string from, string to, string text)
    {
        using var http = new HttpClient { Timeout = EdgeNode.Deadline };
        using var response = await http.PostAsJsonAsync($"{node.Simulator.AdminUrl}/accounts/{from}/messages", new { to = to + "@s.whatsapp.net", text });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"the phone's send answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>The session's <c>message.received</c> payload of <paramref name="messageId"/>, once it is there.</summary>
    public static async Task<JsonElement> ReceivedAsync(EdgeNode node, string session, string messageId)
    {
        static bool Is(JsonElement e, string id) => e.GetProperty("type").GetString() == "message.received" && e.GetProperty("payload").GetProperty("id").GetString() == id;
        var events = await node.WaitForEventsAsync(session, e => e.Any(x => Is(x, messageId)), $"message {messageId} to arrive");
        return events.Single(x => Is(x, messageId)).GetProperty("payload");
    }

    /// <summary>Waits until <paramref name="phone"/> got a receipt of <paramref name="type"/> (read, delivery…) for <paramref name="messageId"/>.</summary>
    public static async Task WaitForReceiptAsync(EdgeNode node, string phone, string messageId, string type)
    {
        using var http = new HttpClient();
        await Eventually.WaitForAsync(
            async () => JsonDocument.Parse(await http.GetStringAsync($"{node.Simulator.AdminUrl}/accounts/{phone}/receipts")).RootElement.Clone(),
            receipts => receipts.EnumerateArray().Any(r => r.GetProperty("id").GetString() == messageId && r.GetProperty("type").GetString() == type),
            $"a {type} receipt of {messageId} on {phone}'s phone");
    }
}
