using System.Net;
using System.Net.Http.Json;
using SessionCluster.Simulator;
using SessionCluster.Simulator.Phone;

namespace SessionCluster.Sessions.Tests.Support;

/// <summary>The simulator's phones through its admin API: accounts, texts sent by a phone, and what a phone received.</summary>
internal static class SimulatorPhones
{
    public static async Task<AccountInfo> CreateAccountAsync(SimulatorHost host, string phone)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync($"{host.AdminUrl}/accounts", new { phone });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<AccountInfo>())!;
    }

    /// <summary>The phone of <paramref name="phone"/> sends <paramref name="text"/> to <paramref name="to"/>; returns the message id.</summary>
    public static async Task<string> SendTextAsync(SimulatorHost host, string phone, string to, string text)
    {
        using var http = new HttpClient { Timeout = SessionNodes.Timeout };
        using var response = await http.PostAsJsonAsync($"{host.AdminUrl}/accounts/{phone}/messages", new { to, text });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"The phone's send answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<SentInfo>())!.Id;
    }

    /// <summary>A group made by <paramref name="creator"/>'s account with <paramref name="participants"/>; returns its jid.</summary>
    public static async Task<string> CreateGroupAsync(SimulatorHost host, string subject, string creator, IReadOnlyList<string> participants)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync($"{host.AdminUrl}/groups", new { subject, creator, participants });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<GroupInfo>())!.Jid;
    }

    public static async Task<PhoneMessage[]> MessagesAsync(SimulatorHost host, string phone)
    {
        using var http = new HttpClient();
        return (await http.GetFromJsonAsync<PhoneMessage[]>($"{host.AdminUrl}/accounts/{phone}/messages"))!;
    }

    public static async Task<PhoneReceipt[]> ReceiptsAsync(SimulatorHost host, string phone)
    {
        using var http = new HttpClient();
        return (await http.GetFromJsonAsync<PhoneReceipt[]>($"{host.AdminUrl}/accounts/{phone}/receipts"))!;
    }

    public static async Task<PresenceResponse> PresenceAsync(SimulatorHost host, string phone)
    {
        using var http = new HttpClient();
        return (await http.GetFromJsonAsync<PresenceResponse>($"{host.AdminUrl}/accounts/{phone}/presence"))!;
    }

    public static async Task<PhoneChatstate[]> ChatstatesAsync(SimulatorHost host, string phone)
    {
        using var http = new HttpClient();
        return (await http.GetFromJsonAsync<PhoneChatstate[]>($"{host.AdminUrl}/accounts/{phone}/chatstates"))!;
    }

    /// <summary>The phone of <paramref name="phone"/> calls the account of <paramref name="to"/>; returns the call.</summary>
    public static async Task<CallView> CallAsync(SimulatorHost host, string phone, string to)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync($"{host.AdminUrl}/accounts/{phone}/calls", new { to });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<CallView>())!;
    }

    public static async Task<CallView[]> CallsAsync(SimulatorHost host, string phone)
    {
        using var http = new HttpClient();
        return (await http.GetFromJsonAsync<CallView[]>($"{host.AdminUrl}/accounts/{phone}/calls"))!;
    }

    /// <summary>Polls <paramref name="read"/> until <paramref name="done"/> holds; fails after <see cref="SessionNodes.Timeout"/>.</summary>
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var deadline = DateTimeOffset.UtcNow + SessionNodes.Timeout;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"Waited for {what}.");
            }

            await Task.Delay(100);
        }
    }

    internal sealed record AccountInfo(string Phone, string Jid, string Lid);

    internal sealed record SentInfo(string Id);

    internal sealed record GroupInfo(string Jid);

    internal sealed record PhoneMessage(string Id, string Chat, string Sender, string Kind, string? Text, bool SentCopy);

    internal sealed record PhoneReceipt(string Id, string From, string? Participant, string Type);
}
