using Akka.Actor;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Stanzas;
using SessionCluster.Sessions.Connection;
using SessionCluster.Sessions.Tests.Support;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;
using static SessionCluster.Sessions.Tests.Flows.LinkByQrTests;
using static SessionCluster.Sessions.Tests.Support.LinkedSessions;

namespace SessionCluster.Sessions.Tests.Flows;

/// <summary>
/// How a linked session answers the server ending its connection: a replaced device stops without fighting back, a login
/// refused 401 is logged out, a 5xx waits the backoff, a 515 while online comes back at once.
/// </summary>
public sealed class StreamErrorTests(ITestOutputHelper output) : IAsyncLifetime
{
    // A ladder so slow that only "at once" explains a prompt second connection.
    private static readonly ReconnectSettings Slow = new() { Base = TimeSpan.FromMinutes(1), Cap = TimeSpan.FromMinutes(1), StableAfter = TimeSpan.FromMinutes(5) };

    private readonly SessionNodes _nodes = new(output);
    private readonly SessionNodes _otherNodes = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _nodes.DisposeAsync();
        await _otherNodes.DisposeAsync();
    }

    [Fact]
    public async Task The_same_credentials_on_two_nodes_end_with_one_session_replaced_and_no_reconnect_loop()
    {
        await using var host = await Simulators.StartAsync();
        await CreateAccountAsync(host);
        var first = _nodes.Start();
        await CreateAndLinkAsync(first, host, Against(_nodes, host, SessionNodes.QuickReconnect));
        await SessionNodes.StopAsync(first);
        // The second node gets a copy of the journal and the node key: the same registration, the same device.
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            if (File.Exists(_nodes.JournalPath + suffix))
            {
                File.Copy(_nodes.JournalPath + suffix, _otherNodes.JournalPath + suffix);
            }
        }

        var a = _nodes.Start();
        var b = _otherNodes.Start();
        var sessionA = a.ActorOf(SessionActor.Props(Alice, Against(_nodes, host, SessionNodes.QuickReconnect)));
        var sessionB = b.ActorOf(SessionActor.Props(Alice, Against(_otherNodes, host, SessionNodes.QuickReconnect, _nodes.Key)));

        // Both log in; whichever came first is replaced by the other and stops there.
        var (replaced, replacedSystem, winner) = await WaitForOneReplacedAsync((a, sessionA), (b, sessionB));
        await AssertNoMoreConnectionsAsync(host, TimeSpan.FromSeconds(3));

        Assert.Equal(SessionStatus.Replaced, Assert.IsType<StatusReply>(await Ask(replaced, new GetStatus(Alice))).Status.Status);
        Assert.Equal(SessionStatus.Connected, Assert.IsType<StatusReply>(await Ask(winner, new GetStatus(Alice))).Status.Status);
        var ended = (await SessionLog.EventsAsync(replacedSystem, Alice)).Select(e => e.Body).OfType<DisconnectedBody>().Last();
        Assert.Equal((DisconnectReason.Replaced, (TimeSpan?)null), (ended.Reason, ended.ReconnectIn));
        Assert.Equal(1, (await StatsAsync(host)).Conflicts);
        Assert.True(Assert.Single(await DevicesAsync(host), d => !d.Primary).Online);

        // An operator resumes the replaced one: it connects, and now the other is replaced in turn (and stops).
        Assert.IsType<ConnectStarted>(await Ask(replaced, new Connect(Alice)));
        await SessionLog.WaitForAsync(replacedSystem, Alice, e => Statuses(e)[^1] == SessionStatus.Connected, "Connected after Connect");
        var winnerStatus = await WaitForStatusAsync(winner, SessionStatus.Replaced);
        Assert.Equal(SessionStatus.Replaced, winnerStatus);
        Assert.Equal(new ConnectRefused(Alice, ConnectRefusal.AlreadyConnecting), await Ask(replaced, new Connect(Alice)));
    }

    [Fact]
    public async Task A_login_answered_failure_401_logs_the_session_out_and_it_does_not_try_again()
    {
        await using var host = await Simulators.StartAsync();
        await CreateAccountAsync(host);
        var first = _nodes.Start();
        await CreateAndLinkAsync(first, host, Against(_nodes, host, SessionNodes.QuickReconnect));
        await SessionNodes.StopAsync(first);
        // The phone unlinks the companion while its node is down: its next login is refused with <failure reason="401"/>.
        await RemoveCompanionFromPhoneAsync(host);

        var second = _nodes.Start();
        var session = second.ActorOf(SessionActor.Props(Alice, Against(_nodes, host, SessionNodes.QuickReconnect)));
        var events = await SessionLog.WaitForAsync(second, Alice, e => e.Reached(SessionStatus.LoggedOut), "LoggedOut");
        await AssertNoMoreConnectionsAsync(host, TimeSpan.FromSeconds(2));

        Assert.Equal(LogoutReason.LoginRefused, events.Select(e => e.Body).OfType<LoggedOutBody>().Single().Reason);
        Assert.Equal(1, (await StatsAsync(host)).LoginFailures);
        var status = Assert.IsType<StatusReply>(await Ask(session, new GetStatus(Alice))).Status;
        Assert.Equal(SessionStatus.LoggedOut, status.Status);
        Assert.Null(status.RegistrationId);
        Assert.Equal(new ConnectRefused(Alice, ConnectRefusal.NotLinked), await Ask(session, new Connect(Alice)));
    }

    [Theory]
    [InlineData(402, DisconnectReason.TemporarilyBanned)]
    [InlineData(405, DisconnectReason.ClientOutdated)]
    public async Task A_login_refused_402_or_405_halts_the_session_without_retries_until_a_Connect(int failure, DisconnectReason reason)
    {
        var connections = 0;
        await using var server = await NoiseTestServer.StartAsync(async connection =>
        {
            // The first login is refused; a later one (after Connect) succeeds.
            var n = Interlocked.Increment(ref connections);
            await connection.Socket.SendNodeAsync(n == 1
                ? new Node("failure", [("reason", failure.ToString(System.Globalization.CultureInfo.InvariantCulture))])
                : new Node("success", [("t", "1")]));
        });
        var (system, session) = await LinkedSessionMovedToAsync(server, SessionNodes.QuickReconnect);

        var events = await SessionLog.WaitForAsync(system, Alice, e => e.Reached(SessionStatus.Halted), "Halted");
        // The quick ladder would have tried again within a second; a halted session does not.
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Equal(1, Volatile.Read(ref connections));
        var halted = events.Select(e => e.Body).OfType<DisconnectedBody>().Last();
        Assert.Equal((reason, (TimeSpan?)null), (halted.Reason, halted.ReconnectIn));
        Assert.Contains(failure.ToString(System.Globalization.CultureInfo.InvariantCulture), halted.Detail, StringComparison.Ordinal);
        Assert.Equal(SessionStatus.Halted, Assert.IsType<StatusReply>(await Ask(session, new GetStatus(Alice))).Status.Status);

        // An operator connects it (the ban is over, the node updated): it logs in.
        Assert.IsType<ConnectStarted>(await Ask(session, new Connect(Alice)));
        await SessionLog.WaitForAsync(system, Alice, e => Statuses(e)[^1] == SessionStatus.Connected, "Connected after Connect");
        Assert.Equal(2, Volatile.Read(ref connections));
    }

    [Fact]
    public async Task A_5xx_stream_error_while_online_is_Disconnected_with_the_backoff_delay_and_the_session_connects_again()
    {
        var connections = 0;
        await using var server = await NoiseTestServer.StartAsync(async connection =>
        {
            Interlocked.Increment(ref connections);
            await connection.Socket.SendNodeAsync(new Node("success", [("t", "1")]));
            await Task.Delay(200);
            await connection.Socket.SendNodeAsync(StreamErrors.WithCode(503));
        });
        var system = await LinkedThenMovedToAsync(server, SessionNodes.QuickReconnect);

        var events = await SessionLog.WaitForAsync(system, Alice, e => e.Select(x => x.Body).OfType<DisconnectedBody>().Any(d => d.Reason == DisconnectReason.ServerError) && Volatile.Read(ref connections) >= 2, "a 503 and a second connection");

        var disconnected = events.Select(e => e.Body).OfType<DisconnectedBody>().First(d => d.Reason == DisconnectReason.ServerError);
        Assert.NotNull(disconnected.ReconnectIn);
        Assert.InRange(disconnected.ReconnectIn.Value, TimeSpan.Zero, SessionNodes.QuickReconnect.Cap);
        Assert.Contains("503", disconnected.Detail, StringComparison.Ordinal);
        // The body comes with the Disconnected status it explains.
        var index = events.ToList().FindIndex(e => ReferenceEquals(e.Body, disconnected));
        Assert.Equal(new SessionStatusChangedBody(SessionStatus.Disconnected), events[index + 1].Body);
    }

    [Fact]
    public async Task A_515_while_online_connects_again_at_once_without_the_backoff()
    {
        var connections = 0;
        await using var server = await NoiseTestServer.StartAsync(async connection =>
        {
            var n = Interlocked.Increment(ref connections);
            await connection.Socket.SendNodeAsync(new Node("success", [("t", "1")]));
            if (n == 1)
            {
                await Task.Delay(200);
                await connection.Socket.SendNodeAsync(StreamErrors.WithCode(StreamErrors.RestartRequired));
            }
        });
        var system = await LinkedThenMovedToAsync(server, Slow);

        // Linked (Connected once), recovered and logged in (twice), restarted by the 515 (three times); the ladder waits up to a minute.
        var events = await SessionLog.WaitForAsync(system, Alice, e => Statuses(e).Count(s => s == SessionStatus.Connected) == 3, "Connected after the 515");

        var restart = Assert.Single(events.Select(e => e.Body).OfType<DisconnectedBody>(), d => d.Reason == DisconnectReason.Restart);
        Assert.Equal(TimeSpan.Zero, restart.ReconnectIn);
        Assert.Equal(2, Volatile.Read(ref connections));
    }

    /// <summary>Links Alice against the simulator, then starts a new ActorSystem whose sessions connect to <paramref name="server"/>; Alice recovers there.</summary>
    private async Task<ActorSystem> LinkedThenMovedToAsync(NoiseTestServer server, ReconnectSettings reconnect) =>
        (await LinkedSessionMovedToAsync(server, reconnect)).System;

    private async Task<(ActorSystem System, IActorRef Session)> LinkedSessionMovedToAsync(NoiseTestServer server, ReconnectSettings reconnect)
    {
        await using (var host = await Simulators.StartAsync())
        {
            await CreateAccountAsync(host);
            var first = _nodes.Start();
            await CreateAndLinkAsync(first, host, Against(_nodes, host, reconnect));
            await SessionNodes.StopAsync(first);
        }

        var system = _nodes.Start();
        return (system, system.ActorOf(SessionActor.Props(Alice, Against(_nodes, server, reconnect))));
    }

    private static async Task<(IActorRef Replaced, ActorSystem System, IActorRef Winner)> WaitForOneReplacedAsync((ActorSystem System, IActorRef Session) a, (ActorSystem System, IActorRef Session) b)
    {
        var deadline = DateTimeOffset.UtcNow + SessionNodes.Timeout;
        while (DateTimeOffset.UtcNow < deadline)
        {
            if (await StatusOf(a.Session) == SessionStatus.Replaced)
            {
                return (a.Session, a.System, b.Session);
            }

            if (await StatusOf(b.Session) == SessionStatus.Replaced)
            {
                return (b.Session, b.System, a.Session);
            }

            await Task.Delay(100);
        }

        Assert.Fail($"Neither session was replaced: {await StatusOf(a.Session)}, {await StatusOf(b.Session)}.");
        return default;
    }

    private static async Task<SessionStatus> WaitForStatusAsync(IActorRef session, SessionStatus status)
    {
        var deadline = DateTimeOffset.UtcNow + SessionNodes.Timeout;
        var now = await StatusOf(session);
        while (now != status && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(100);
            now = await StatusOf(session);
        }

        return now;
    }

    private static async Task<SessionStatus> StatusOf(IActorRef session) =>
        Assert.IsType<StatusReply>(await Ask(session, new GetStatus(Alice))).Status.Status;
}
