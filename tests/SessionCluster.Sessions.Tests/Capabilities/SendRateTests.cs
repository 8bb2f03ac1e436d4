using SessionCluster.Sessions.Tests.Support;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;

namespace SessionCluster.Sessions.Tests.Capabilities;

/// <summary>The sendRate setting paces queued sends on the wire; nothing over the rate is refused.</summary>
public sealed class SendRateTests(ITestOutputHelper output) : CapabilityTestBase(output)
{
    [Fact]
    public async Task Sends_over_the_rate_are_all_accepted_and_go_out_one_interval_apart_after_the_burst()
    {
        await using var host = await Simulators.StartAsync();
        var bob = await SimulatorPhones.CreateAccountAsync(host, BobPhone);
        var (system, session) = await LinkedSessions.LinkedAliceAsync(Nodes, host);
        Assert.IsType<SettingsUpdated>(await Ask(session, new UpdateSettings(Alice, new SessionSettingsPatch { SendRate = new SendRate(PerSecond: 2, Burst: 1) })));

        var start = DateTimeOffset.UtcNow;
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(Assert.IsType<SendAccepted>(await Ask(session, Send.Text(Alice, bob.Jid, $"paced {i}"))).MessageId);
        }

        var events = await SessionLog.WaitForAsync(system, Alice, e => ids.All(id => Sent(e, id) is not null), "all four Sent");
        var sentAt = ids.Select(id => Sent(events, id)!.Value).ToList();
        // Burst 1 at 2/s: the 2nd, 3rd and 4th each wait 0.5 s after the one before for their token, so the 4th cannot be
        // on the wire (let alone acked) before 1.5 s after the first send began; unpaced, all four take a few hundred ms.
        Assert.True(sentAt[3] - start >= TimeSpan.FromMilliseconds(1450), $"the four were Sent within {(sentAt[3] - start).TotalMilliseconds} ms");
        Assert.Equal(sentAt.Order(), sentAt);
        var bobs = await SimulatorPhones.WaitForAsync(() => SimulatorPhones.MessagesAsync(host, BobPhone), m => ids.All(id => m.Any(x => x.Id == id)), "Bob's phone to get all four");
        Assert.Equal(ids, bobs.Where(m => ids.Contains(m.Id)).Select(m => m.Id));
    }

    private static DateTimeOffset? Sent(IEnumerable<SessionEvent> events, string id) =>
        events.FirstOrDefault(e => e.Body is MessageStatusBody { Status: MessageDelivery.Sent } s && s.MessageId == id)?.At;
}
