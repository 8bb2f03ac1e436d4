using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using Akka.Persistence;
using SessionCluster.Sessions.State;
using SessionCluster.Sessions.State.Proto;
using SessionCluster.Sessions.Tests.Support;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Sessions.Tests.State;

/// <summary>
/// The session's own data key (crypto-shredding): what sessions stored before it (sealed under the node key) still
/// opens, and Delete shreds the key as a logout does.
/// </summary>
public sealed class SessionKeysTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly SessionId Legacy = new("legacy");
    private static readonly SessionId Alice = new("alice");

    private readonly SessionNodes _nodes = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    [Fact]
    public async Task A_session_stored_before_per_session_keys_with_its_registration_under_the_node_key_still_opens()
    {
        var system = _nodes.Start();
        var registration = Registration.Generate(RandomNumberGenerator.Create(), TimeProvider.System);
        var nodeBox = new SecretBox(_nodes.Key, RandomNumberGenerator.Create());
        // Exactly what the SessionActor wrote before: no sealed_under_session_key, no key journal.
        var created = new SessionCreated
        {
            SessionId = Legacy.Value,
            CreatedAtUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            SealedRegistration = Google.Protobuf.ByteString.CopyFrom(registration.Seal(nodeBox, Encoding.UTF8.GetBytes(Legacy.Value))),
            Options = new SessionOptionsRecord { DeviceName = "SessionCluster", Platform = "Chrome", OnlineOnConnect = true },
        };
        var statusEvent = new SessionEvent(Guid.CreateVersion7(), Legacy, 1, DateTimeOffset.UtcNow, new SessionStatusChangedBody(SessionStatus.Created)).ToRecord();
        var writer = system.ActorOf(Props.Create(() => new JournalWriter(Legacy.PersistenceId)));
        await writer.Ask<Written>(new Write([created, statusEvent]), SessionNodes.Timeout);
        await writer.GracefulStop(SessionNodes.Timeout);

        var session = system.ActorOf(SessionActor.Props(Legacy, _nodes.Dependencies()));
        var status = Assert.IsType<StatusReply>(await session.Ask<Reply>(new GetStatus(Legacy), SessionNodes.Timeout)).Status;

        Assert.Null(status.SecretsFailure);
        Assert.Equal(registration.RegistrationId, status.RegistrationId);
        Assert.Equal(Convert.ToHexStringLower(registration.IdentityKey.PublicKey.Span), status.IdentityPublicKeyHex);
        Assert.Empty(await KeyJournal.StoredKeysAsync(system, Legacy));
        Assert.Equal(new LogoutRefused(Legacy, LogoutRefusal.NotLinked), await session.Ask<Reply>(new Logout(Legacy), SessionNodes.Timeout));
    }

    [Fact]
    public async Task A_session_made_under_a_previous_node_key_starts_moves_its_data_key_and_proxy_to_the_current_key_and_then_opens_without_the_old_one()
    {
        var first = _nodes.Start();
        var proxy = new Sessions.Connection.ProxySettings(Sessions.Connection.ProxyKind.Socks5, "proxy.example", 1080, "operator", "proxy-password-1");
        var made = first.ActorOf(SessionActor.Props(Alice, _nodes.Dependencies()));
        var created = Assert.IsType<Created>(await made.Ask<Reply>(new Create(Alice, Flows.LinkByQrTests.Options with { Proxy = proxy }), SessionNodes.Timeout));
        await SessionNodes.StopAsync(first);

        var newKey = SecretKey.Generate(RandomNumberGenerator.Create());
        var stale = new StaleSeals();
        var rotated = _nodes.Start();
        var session = rotated.ActorOf(SessionActor.Props(Alice, _nodes.Dependencies() with { Secrets = new SecretBox(newKey, [_nodes.Key], RandomNumberGenerator.Create()), StaleSeals = stale }));
        Assert.Null(Assert.IsType<StatusReply>(await session.Ask<Reply>(new GetStatus(Alice), SessionNodes.Timeout)).Status.SecretsFailure);
        var deadline = DateTimeOffset.UtcNow + SessionNodes.Timeout;
        while (stale.Resealed < 2)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"moved {stale.Resealed} of 2 (the data key, the proxy)");
            await Task.Delay(50);
        }

        Assert.Equal(0, stale.Pending);
        // Only the copy under the new key is left of the data key; the proxy's last copy is under the new key.
        var keys = Assert.Single((await KeyJournal.StoredKeysAsync(rotated, Alice)).OfType<SessionDataKeyStored>());
        Assert.Equal(newKey.KeyId.ToArray(), keys.SealedKey.Span[1..5].ToArray());
        Assert.Equal(newKey.KeyId.ToArray(), (await SessionLog.StoredAsync(rotated, Alice)).OfType<SessionProxySet>().Last().SealedProxy.Span[1..5].ToArray());
        await SessionNodes.StopAsync(rotated);

        var newKeyOnly = _nodes.Start();
        var reopened = newKeyOnly.ActorOf(SessionActor.Props(Alice, _nodes.Dependencies(newKey)));
        var status = Assert.IsType<StatusReply>(await reopened.Ask<Reply>(new GetStatus(Alice), SessionNodes.Timeout)).Status;
        Assert.Equal((null, created.Status.RegistrationId, "socks5://operator@proxy.example:1080"), (status.SecretsFailure, status.RegistrationId, status.Proxy));
    }

    [Fact]
    public async Task Delete_shreds_the_sessions_data_key_and_a_new_ActorSystem_recovers_it_Deleted_without_keys()
    {
        var system = _nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, _nodes.Dependencies()));
        Assert.IsType<Created>(await session.Ask<Reply>(new Create(Alice, Flows.LinkByQrTests.Options), SessionNodes.Timeout));
        Assert.Single(await KeyJournal.StoredKeysAsync(system, Alice));

        Assert.IsType<Deleted>(await session.Ask<Reply>(new Delete(Alice), SessionNodes.Timeout));
        await KeyJournal.WaitUntilWipedAsync(system, Alice);
        await SessionNodes.StopAsync(system);

        var second = _nodes.Start();
        var recovered = second.ActorOf(SessionActor.Props(Alice, _nodes.Dependencies()));
        var status = Assert.IsType<StatusReply>(await recovered.Ask<Reply>(new GetStatus(Alice), SessionNodes.Timeout)).Status;
        Assert.Equal((SessionStatus.Deleted, (uint?)null, (SecretsFailure?)null), (status.Status, status.RegistrationId, status.SecretsFailure));
        Assert.Equal(2, (await SessionLog.EventsAsync(second, Alice)).Count);
    }

    [Fact]
    public async Task The_key_store_runs_only_while_it_owes_an_answer_and_is_started_again_to_wipe()
    {
        var system = _nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, _nodes.Dependencies()));
        Assert.IsType<Created>(await session.Ask<Reply>(new Create(Alice, Flows.LinkByQrTests.Options), SessionNodes.Timeout));
        await WaitUntilNoKeyStoreAsync(system, session);

        Assert.IsType<Deleted>(await session.Ask<Reply>(new Delete(Alice), SessionNodes.Timeout));
        await KeyJournal.WaitUntilWipedAsync(system, Alice);
        await WaitUntilNoKeyStoreAsync(system, session);
        await SessionNodes.StopAsync(system);

        // A recovery needs the key only to open the registration; then the store stops again.
        var second = _nodes.Start();
        var bob = new SessionId("bob");
        var created = second.ActorOf(SessionActor.Props(bob, _nodes.Dependencies()));
        Assert.IsType<Created>(await created.Ask<Reply>(new Create(bob, Flows.LinkByQrTests.Options), SessionNodes.Timeout));
        await SessionNodes.StopAsync(second);
        var third = _nodes.Start();
        var recovered = third.ActorOf(SessionActor.Props(bob, _nodes.Dependencies()));
        var status = Assert.IsType<StatusReply>(await recovered.Ask<Reply>(new GetStatus(bob), SessionNodes.Timeout)).Status;
        Assert.Null(status.SecretsFailure);
        Assert.NotNull(status.RegistrationId);
        await WaitUntilNoKeyStoreAsync(third, recovered);
    }

    /// <summary>Waits until no child of <paramref name="parent"/> is a key store (whatever its incarnation's name).</summary>
    private static async Task WaitUntilNoKeyStoreAsync(ActorSystem system, IActorRef parent)
    {
        var deadline = DateTime.UtcNow + SessionNodes.Timeout;
        while (true)
        {
            var inbox = Inbox.Create(system);
            system.ActorSelection(parent.Path / "*").Tell(new Identify(null), inbox.Receiver);
            var running = new List<string>();
            try
            {
                while (true)
                {
                    if (await inbox.ReceiveAsync(TimeSpan.FromMilliseconds(300)) is ActorIdentity { Subject: { } child })
                    {
                        running.Add(child.Path.Name);
                    }
                }
            }
            catch (TimeoutException)
            {
                // No more answers: every running child has identified itself.
            }

            if (!running.Any(name => name.StartsWith("keys", StringComparison.Ordinal)))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"key store still running under {parent.Path}: {string.Join(", ", running)}");
        }
    }

    [Fact]
    public async Task A_data_key_gone_while_the_log_does_not_say_logged_out_recovers_as_LoggedOut_and_writes_it()
    {
        var system = _nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, _nodes.Dependencies()));
        Assert.IsType<Created>(await session.Ask<Reply>(new Create(Alice, Flows.LinkByQrTests.Options), SessionNodes.Timeout));
        await SessionNodes.StopAsync(system);

        // A crash between the wipe and the LoggedOut write, as the journal would show it: the key journal deleted, nothing else.
        var second = _nodes.Start();
        var deleter = second.ActorOf(Props.Create(() => new JournalWriter(SessionKeysActor.PersistenceIdOf(Alice))));
        await deleter.Ask<Written>(new DeleteAll(), SessionNodes.Timeout);
        await deleter.GracefulStop(SessionNodes.Timeout);
        Assert.Empty(await KeyJournal.StoredKeysAsync(second, Alice));

        var recovered = second.ActorOf(SessionActor.Props(Alice, _nodes.Dependencies()));
        var status = Assert.IsType<StatusReply>(await recovered.Ask<Reply>(new GetStatus(Alice), SessionNodes.Timeout)).Status;

        Assert.Equal((SessionStatus.LoggedOut, (uint?)null, (SecretsFailure?)null), (status.Status, status.RegistrationId, status.SecretsFailure));
        await SessionLog.WaitForAsync(second, Alice, e => e.Reached(SessionStatus.LoggedOut), "LoggedOut written");
    }

    private sealed record Write(IReadOnlyList<object> Events);

    private sealed record DeleteAll;

    private sealed record Written;

    /// <summary>Writes (or deletes) events under a persistence id as an older build of the SessionActor, or a crash, would have left them.</summary>
    private sealed class JournalWriter : ReceivePersistentActor
    {
        public JournalWriter(string persistenceId)
        {
            PersistenceId = persistenceId;
            Command<DeleteAll>(_ =>
            {
                _deleteRequester = Sender;
                DeleteMessages(LastSequenceNr);
            });
            Command<DeleteMessagesSuccess>(_ => _deleteRequester.Tell(new Written()));
            Command<Write>(write =>
            {
                var remaining = write.Events.Count;
                var replyTo = Sender;
                PersistAll(write.Events, _ =>
                {
                    if (--remaining == 0)
                    {
                        replyTo.Tell(new Written());
                    }
                });
            });
        }

        public override string PersistenceId { get; }

        private IActorRef _deleteRequester = ActorRefs.Nobody;
    }
}
