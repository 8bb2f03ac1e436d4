using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using Akka.Actor;
using SessionCluster.Protocol.Binary;
using SessionCluster.Protocol.Pairing;
using SessionCluster.Sessions.Flows;
using SessionCluster.Sessions.State;
using SessionCluster.Sessions.State.Proto;
using SessionCluster.Sessions.Tests.Support;
using SessionCluster.Simulator;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Sessions.Tests.Flows;

/// <summary>
/// LinkByCode driven by the SessionActor against the in-process simulator: the code in the reply and as an event, the
/// phone entering it (<c>POST /admin/accounts/{phone}/link-code</c>), pair-success, 515, login; a wrong code, an
/// unentered code, a number the server does not know.
/// </summary>
public sealed class LinkByCodeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Phone = LinkByQrTests.Phone;
    private static readonly SessionId Alice = LinkByQrTests.Alice;

    private readonly SessionNodes _nodes = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    [Fact]
    public async Task A_session_linked_by_code_the_phone_entered_logs_in_and_the_simulator_lists_the_device_and_the_stored_registration_has_its_JID()
    {
        await using var host = await Simulators.StartAsync();
        await LinkByQrTests.CreateAccountAsync(host);
        var system = _nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, Dependencies(host)));
        Assert.IsType<Created>(await Ask(session, new Create(Alice, LinkByQrTests.Options)));

        var issued = Assert.IsType<LinkCodeIssued>(await Ask(session, new LinkByCode(Alice, "+1 555-000-1111")));

        Assert.Equal(PairingCode.Length, issued.Code.Length);
        Assert.Equal(-1, issued.Code.AsSpan().IndexOfAnyExcept(PairingCode.Alphabet));
        Assert.DoesNotContain(issued.Code, issued.ToString(), StringComparison.Ordinal);
        Assert.Equal(new LinkRefused(Alice, LinkRefusal.AlreadyLinking), await Ask(session, new LinkByCode(Alice, Phone)));
        Assert.Equal(new LinkRefused(Alice, LinkRefusal.AlreadyLinking), await Ask(session, new LinkByQr(Alice)));
        // The reply comes after the event is durable: the log holds the same code already.
        var shown = Assert.Single((await SessionLog.EventsAsync(system, Alice)).Select(e => e.Body).OfType<PairingCodeBody>());
        Assert.Equal(issued.Code, shown.Code);
        Assert.Equal(issued.ExpiresAt.ToUnixTimeMilliseconds(), shown.ExpiresAt.ToUnixTimeMilliseconds());

        using (var entered = await EnterCodeAsync(host, FormatForDisplay(issued.Code)))
        {
            Assert.Equal(HttpStatusCode.OK, entered.StatusCode);
        }

        var events = await SessionLog.WaitForAsync(system, Alice, e => e.Reached(SessionStatus.Connected), "Connected");
        var status = Assert.IsType<StatusReply>(await Ask(session, new GetStatus(Alice))).Status;
        Assert.Equal(SessionStatus.Connected, status.Status);
        var device = Assert.Single(await LinkByQrTests.DevicesAsync(host), d => !d.Primary);
        Assert.Equal(status.DeviceJid, device.Jid);
        Assert.Equal(status.Lid, device.Lid);
        Assert.True(device.Online);
        var linked = Assert.Single((await SessionLog.StoredAsync(system, Alice)).OfType<SessionLinked>());
        var registration = await KeyJournal.OpenWithSessionKeyAsync(system, _nodes.Key, Alice, linked.SealedRegistration);
        Assert.Equal(device.Jid, registration.DeviceJid);
        Assert.NotNull(registration.AdvSignedIdentity);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));
        Assert.Equal(
            [SessionStatus.Created, SessionStatus.Linking, SessionStatus.Connecting, SessionStatus.Connected],
            events.Select(e => e.Body).OfType<SessionStatusChangedBody>().Select(b => b.Status));
        Assert.Empty(events.QrCodes());
        Assert.Equal(new LinkRefused(Alice, LinkRefusal.AlreadyLinked), await Ask(session, new LinkByCode(Alice, Phone)));
        AssertCodeNeverLogged(issued.Code);
    }

    [Fact]
    public async Task A_wrong_code_entered_on_the_phone_links_nothing_and_the_session_reports_CodeRefused_and_may_link_again()
    {
        await using var host = await Simulators.StartAsync();
        await LinkByQrTests.CreateAccountAsync(host);
        var system = _nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, Dependencies(host)));
        Assert.IsType<Created>(await Ask(session, new Create(Alice, LinkByQrTests.Options)));
        var issued = Assert.IsType<LinkCodeIssued>(await Ask(session, new LinkByCode(Alice, Phone)));

        using (var entered = await EnterCodeAsync(host, AnotherCode(issued.Code)))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, entered.StatusCode);
        }

        var events = await SessionLog.WaitForAsync(system, Alice, e => e.Any(x => x.Body is LinkFailedBody), "a LinkFailed event");
        Assert.Equal(LinkFailure.CodeRefused, events.Select(e => e.Body).OfType<LinkFailedBody>().Single().Reason);
        await SessionLog.WaitForAsync(system, Alice, e => e.Select(x => x.Body).OfType<SessionStatusChangedBody>().Last().Status == SessionStatus.Created, "the status back at Created");
        Assert.Empty((await SessionLog.StoredAsync(system, Alice)).OfType<SessionLinked>());
        Assert.DoesNotContain(await LinkByQrTests.DevicesAsync(host), d => !d.Primary);
        Assert.Null(Assert.IsType<StatusReply>(await Ask(session, new GetStatus(Alice))).Status.DeviceJid);
        var again = Assert.IsType<LinkCodeIssued>(await Ask(session, new LinkByCode(Alice, Phone)));
        Assert.NotEqual(issued.Code, again.Code);
        AssertCodeNeverLogged(issued.Code);
    }

    [Fact]
    public async Task A_code_nobody_enters_expires_the_session_closes_the_connection_reports_CodeExpired_and_may_link_again()
    {
        await using var host = await Simulators.StartAsync();
        await LinkByQrTests.CreateAccountAsync(host);
        var system = _nodes.Start();
        var settings = new CodePairingSettings { CodeLifetime = TimeSpan.FromSeconds(2) };
        var session = system.ActorOf(SessionActor.Props(Alice, Dependencies(host) with { CodePairing = settings }));
        Assert.IsType<Created>(await Ask(session, new Create(Alice, LinkByQrTests.Options)));
        var issued = Assert.IsType<LinkCodeIssued>(await Ask(session, new LinkByCode(Alice, Phone)));

        var events = await SessionLog.WaitForAsync(system, Alice, e => e.Any(x => x.Body is LinkFailedBody), "a LinkFailed event");

        Assert.Equal(LinkFailure.CodeExpired, events.Select(e => e.Body).OfType<LinkFailedBody>().Single().Reason);
        await SessionLog.WaitForAsync(system, Alice, e => e.Select(x => x.Body).OfType<SessionStatusChangedBody>().Last().Status == SessionStatus.Created, "the status back at Created");
        // The connection the code belonged to is gone: the phone can no longer use it.
        using (var entered = await EnterCodeAsync(host, issued.Code))
        {
            Assert.Equal(HttpStatusCode.NotFound, entered.StatusCode);
        }

        Assert.IsType<LinkCodeIssued>(await Ask(session, new LinkByCode(Alice, Phone)));
    }

    [Fact]
    public async Task A_number_the_server_has_no_account_for_is_answered_LinkCodeNotIssued_HelloRefused_after_the_failure_is_stored()
    {
        await using var host = await Simulators.StartAsync();
        var system = _nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, Dependencies(host)));
        Assert.IsType<Created>(await Ask(session, new Create(Alice, LinkByQrTests.Options)));

        Assert.Equal(new LinkCodeNotIssued(Alice, LinkFailure.HelloRefused), await Ask(session, new LinkByCode(Alice, Phone)));

        var events = await SessionLog.EventsAsync(system, Alice);
        Assert.Equal(LinkFailure.HelloRefused, events.Select(e => e.Body).OfType<LinkFailedBody>().Single().Reason);
        Assert.Empty(events.Select(e => e.Body).OfType<PairingCodeBody>());
        Assert.Equal(SessionStatus.Created, events.Select(e => e.Body).OfType<SessionStatusChangedBody>().Last().Status);
    }

    [Fact]
    public async Task A_malformed_notification_from_the_server_ends_the_attempt_MalformedCodeExchange_with_no_finish_sent_and_nothing_linked()
    {
        var fromClient = new ConcurrentQueue<Node>();
        var clientLeft = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await NoiseTestServer.StartAsync(async connection =>
        {
            await connection.Socket.SendNodeAsync(new Node("iq", [("from", "s.whatsapp.net"), ("type", "set"), ("id", "pd1")],
                [new Node("pair-device", null, [new Node("ref", null, Encoding.UTF8.GetBytes("2@ref"))])]));
            fromClient.Enqueue((await connection.Socket.ReceiveNodeAsync())!);
            var hello = (await connection.Socket.ReceiveNodeAsync())!;
            fromClient.Enqueue(hello);
            var reference = Encoding.ASCII.GetBytes("2@code-ref");
            await connection.Socket.SendNodeAsync(new Node("iq", [("from", "s.whatsapp.net"), ("type", "result"), ("id", hello.GetString("id"))],
                [new Node(CodePairing.Tag, null, [new Node("link_code_pairing_ref", null, reference)])]));
            // The wrapped primary ephemeral is one byte short.
            await connection.Socket.SendNodeAsync(new Node("notification", [("from", "s.whatsapp.net"), ("id", "n1"), ("type", CodePairing.Tag)],
                [new Node(CodePairing.Tag, null,
                [
                    new Node("link_code_pairing_ref", null, reference),
                    new Node("link_code_pairing_wrapped_primary_ephemeral_pub", null, new byte[PairingCode.WrappedKeyLength - 1]),
                    new Node("primary_identity_pub", null, Protocol.Crypto.Curve25519.GenerateKeyPair().PublicKey),
                ])]));
            try
            {
                while (await connection.Socket.ReceiveNodeAsync() is { } node)
                {
                    fromClient.Enqueue(node);
                }
            }
            catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
            {
                // The companion closed the connection.
            }

            clientLeft.TrySetResult();
        });
        var system = _nodes.Start();
        var dependencies = _nodes.Dependencies() with
        {
            Server = new SessionServerSettings(server.WebSocketUrl) { RootPublicKey = server.RootPublicKey, ConnectTimeout = TimeSpan.FromSeconds(10) },
        };
        var session = system.ActorOf(SessionActor.Props(Alice, dependencies));
        Assert.IsType<Created>(await Ask(session, new Create(Alice, LinkByQrTests.Options)));
        var issued = Assert.IsType<LinkCodeIssued>(await Ask(session, new LinkByCode(Alice, Phone)));

        var events = await SessionLog.WaitForAsync(system, Alice, e => e.Any(x => x.Body is LinkFailedBody), "a LinkFailed event");
        await clientLeft.Task.WaitAsync(SessionNodes.Timeout);

        Assert.Equal(LinkFailure.MalformedCodeExchange, events.Select(e => e.Body).OfType<LinkFailedBody>().Single().Reason);
        Assert.Equal(SessionStatus.Created, events.Select(e => e.Body).OfType<SessionStatusChangedBody>().Last().Status);
        Assert.Empty((await SessionLog.StoredAsync(system, Alice)).OfType<SessionLinked>());
        // What the companion sent: the pair-device ack, the hello; never a companion_finish.
        Assert.Equal("result", fromClient.First().GetString("type"));
        Assert.Equal("companion_hello", fromClient.ElementAt(1).GetChild(CodePairing.Tag).GetString("stage"));
        Assert.DoesNotContain(fromClient, n => n.GetOptionalChild(CodePairing.Tag)?.GetOptionalString("stage") == "companion_finish");
        Assert.Equal(1, _nodes.Logs.Count(1244));
        AssertCodeNeverLogged(issued.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("555-CALL-NOW")]
    [InlineData("123")]
    [InlineData("0155500011112")]
    [InlineData("1234567890123456")]
    public async Task A_phone_number_not_in_international_form_is_refused_before_anything_is_written(string phoneNumber)
    {
        await using var host = await Simulators.StartAsync();
        var system = _nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, Dependencies(host)));
        Assert.IsType<Created>(await Ask(session, new Create(Alice, LinkByQrTests.Options)));
        var before = (await SessionLog.StoredAsync(system, Alice)).Count;

        Assert.Equal(new LinkRefused(Alice, LinkRefusal.InvalidPhoneNumber), await Ask(session, new LinkByCode(Alice, phoneNumber)));

        Assert.Equal(before, (await SessionLog.StoredAsync(system, Alice)).Count);
    }

    private void AssertCodeNeverLogged(string code) =>
        Assert.DoesNotContain(_nodes.Logs.Entries.Select(e => e.Message), m => m.Contains(code, StringComparison.Ordinal) || m.Contains(FormatForDisplay(code), StringComparison.Ordinal));

    private SessionActorDependencies Dependencies(SimulatorHost host) => LinkByQrTests.Dependencies(_nodes, host);

    private static string FormatForDisplay(string code) => code[..4] + "-" + code[4..];

    /// <summary>The code with its first character replaced by another of the alphabet: still readable, but not the one issued.</summary>
    private static string AnotherCode(string code) => (code[0] == PairingCode.Alphabet[0] ? PairingCode.Alphabet[1] : PairingCode.Alphabet[0]) + code[1..];

    /// <summary>The phone's user types <paramref name="code"/>: the simulator answers once the link is done or has failed.</summary>
    private static async Task<HttpResponseMessage> EnterCodeAsync(SimulatorHost host, string code)
    {
        using var http = new HttpClient { Timeout = SessionNodes.Timeout };
        return await http.PostAsJsonAsync($"{host.AdminUrl}/accounts/{Phone}/link-code", new { code });
    }

    private static Task<Reply> Ask(IActorRef session, object command) => LinkByQrTests.Ask(session, command);
}
