using SessionCluster.Sessions.Connection;
using SessionCluster.Sessions.State;
using SessionCluster.Sessions.Tests.Support;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;
using static SessionCluster.Sessions.Tests.Support.LinkedSessions;

namespace SessionCluster.Sessions.Tests.Flows;

/// <summary>
/// Logged out, by the phone (the simulator's admin API removes the device) or by the session's own Logout: status
/// LoggedOut with its reason, no reconnect, and the keys wiped for real (the sealed registration left in the log no
/// longer opens); a new link then gets fresh keys.
/// </summary>
public sealed class LogoutTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly SessionNodes _nodes = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    [Fact]
    public async Task The_phone_removing_the_device_logs_the_session_out_for_good_and_its_keys_no_longer_open()
    {
        await using var host = await Simulators.StartAsync();
        await CreateAccountAsync(host);
        var first = _nodes.Start();
        var session = await CreateAndLinkAsync(first, host, Against(_nodes, host, SessionNodes.QuickReconnect));
        var linked = Assert.IsType<StatusReply>(await Ask(session, new GetStatus(Alice))).Status;
        // Sealed under the session's own key: the node key alone never opened it, and the key is stored apart.
        var sealedLinked = KeyJournal.LastLinked(await SessionLog.StoredAsync(first, Alice)).SealedRegistration;
        Assert.Equal(SecretsFailure.WrongKey, Assert.Throws<SecretsException>(() => KeyJournal.OpenWithNodeKey(_nodes.Key, Alice, sealedLinked)).Failure);
        Assert.Single(await KeyJournal.StoredKeysAsync(first, Alice));

        await RemoveCompanionFromPhoneAsync(host);

        var events = await SessionLog.WaitForAsync(first, Alice, e => e.Reached(SessionStatus.LoggedOut), "LoggedOut");
        Assert.Equal(LogoutReason.DeviceRemoved, events.Select(e => e.Body).OfType<LoggedOutBody>().Single().Reason);
        await KeyJournal.WaitUntilWipedAsync(first, Alice);
        await AssertNoMoreConnectionsAsync(host, TimeSpan.FromSeconds(2));
        var status = Assert.IsType<StatusReply>(await Ask(session, new GetStatus(Alice))).Status;
        Assert.Equal(SessionStatus.LoggedOut, status.Status);
        Assert.Null(status.RegistrationId);
        Assert.Equal(SessionStatus.LoggedOut, Statuses(await SessionLog.EventsAsync(first, Alice))[^1]);
        await SessionNodes.StopAsync(first);

        // A new ActorSystem on the same journal: the domain events are all there, the keys are not, and it stays logged out.
        var second = _nodes.Start();
        var recovered = second.ActorOf(SessionActor.Props(Alice, Against(_nodes, host, SessionNodes.QuickReconnect)));
        var after = Assert.IsType<StatusReply>(await Ask(recovered, new GetStatus(Alice))).Status;
        Assert.Equal((SessionStatus.LoggedOut, (uint?)null, (string?)null, (SecretsFailure?)null), (after.Status, after.RegistrationId, after.IdentityPublicKeyHex, after.SecretsFailure));
        Assert.Equal(events.Count, (await SessionLog.EventsAsync(second, Alice)).Count);
        Assert.Empty(await KeyJournal.StoredKeysAsync(second, Alice));
        await AssertNoMoreConnectionsAsync(host, TimeSpan.FromSeconds(2));

        // Linked again: a fresh registration under a fresh key.
        Assert.IsType<LinkStarted>(await Ask(recovered, new LinkByQr(Alice)));
        await ScanFirstQrAsync(second, host, skip: events.QrCodes().Count);
        var relinked = Assert.IsType<StatusReply>(await Ask(recovered, new GetStatus(Alice))).Status;
        Assert.Equal(SessionStatus.Connected, relinked.Status);
        Assert.NotEqual(linked.IdentityPublicKeyHex, relinked.IdentityPublicKeyHex);
        Assert.NotEqual(linked.DeviceJid, relinked.DeviceJid);
        Assert.Single(await KeyJournal.StoredKeysAsync(second, Alice));
    }

    [Fact]
    public async Task Logout_while_connected_removes_the_device_from_the_account_and_wipes_the_keys()
    {
        await using var host = await Simulators.StartAsync();
        await CreateAccountAsync(host);
        var system = _nodes.Start();
        var session = await CreateAndLinkAsync(system, host, Against(_nodes, host, SessionNodes.QuickReconnect));

        Assert.Equal(new LoggedOut(Alice, KeysWiped: true), await Ask(session, new Logout(Alice)));

        Assert.DoesNotContain(await DevicesAsync(host), d => !d.Primary);
        Assert.Empty(await KeyJournal.StoredKeysAsync(system, Alice));
        var events = await SessionLog.EventsAsync(system, Alice);
        Assert.Equal(LogoutReason.UserInitiated, events.Select(e => e.Body).OfType<LoggedOutBody>().Single().Reason);
        Assert.Equal(SessionStatus.LoggedOut, Statuses(events)[^1]);
        await AssertNoMoreConnectionsAsync(host, TimeSpan.FromSeconds(2));
        // Asked again, the answer is the same; there is nothing left to connect.
        Assert.Equal(new LoggedOut(Alice, KeysWiped: true), await Ask(session, new Logout(Alice)));
        Assert.Equal(new ConnectRefused(Alice, ConnectRefusal.NotLinked), await Ask(session, new Connect(Alice)));
    }

    [Fact]
    public async Task Logout_of_a_linked_session_that_is_not_connected_logs_out_locally_and_fails_its_queued_sends()
    {
        await using var host = await Simulators.StartAsync();
        await CreateAccountAsync(host);
        var first = _nodes.Start();
        await CreateAndLinkAsync(first, host, Against(_nodes, host, SessionNodes.QuickReconnect));
        await SessionNodes.StopAsync(first);

        // The server is gone: the recovered session keeps trying on its ladder, and Logout does not wait for it.
        await host.DisposeAsync();
        var second = _nodes.Start();
        var session = second.ActorOf(SessionActor.Props(Alice, Against(_nodes, host, SessionNodes.QuickReconnect)));
        // A send accepted while offline waits in the queue; a logout fails it, so a later link never sends it.
        var queued = Assert.IsType<SendAccepted>(await Ask(session, new Send(Alice, "15550002222@s.whatsapp.net", new Protocol.Wa.E2E.Message { Conversation = "hello" })));
        Assert.Equal(new LoggedOut(Alice, KeysWiped: true), await Ask(session, new Logout(Alice)));
        var failed = (await SessionLog.EventsAsync(second, Alice)).Select(e => e.Body).OfType<MessageStatusBody>().Last();
        Assert.Equal((queued.MessageId, MessageDelivery.Failed, "the session logged out"), (failed.MessageId, failed.Status, failed.Reason));

        Assert.Empty(await KeyJournal.StoredKeysAsync(second, Alice));
        Assert.Equal(SessionStatus.LoggedOut, Assert.IsType<StatusReply>(await Ask(session, new GetStatus(Alice))).Status.Status);
        var before = (await SessionLog.EventsAsync(second, Alice)).Count;
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(before, (await SessionLog.EventsAsync(second, Alice)).Count);
    }

    [Fact]
    public async Task Logout_of_a_session_never_linked_is_refused_and_of_a_missing_one_is_NotFound()
    {
        var system = _nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, _nodes.Dependencies()));

        Assert.Equal(new NotFound(Alice), await Ask(session, new Logout(Alice)));
        Assert.IsType<Created>(await Ask(session, new Create(Alice, Options)));
        Assert.Equal(new LogoutRefused(Alice, LogoutRefusal.NotLinked), await Ask(session, new Logout(Alice)));
        Assert.Equal(new ConnectRefused(Alice, ConnectRefusal.NotLinked), await Ask(session, new Connect(Alice)));
        Assert.IsType<Deleted>(await Ask(session, new Delete(Alice)));
        Assert.Equal(new LogoutRefused(Alice, LogoutRefusal.Deleted), await Ask(session, new Logout(Alice)));
    }
}
