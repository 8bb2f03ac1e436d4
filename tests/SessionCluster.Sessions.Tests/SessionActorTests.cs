using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using SessionCluster.Persistence;
using SessionCluster.Persistence.Query;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Sessions.State;
using SessionCluster.Sessions.State.Proto;
using SessionCluster.Sessions.Tests.Support;
using Xunit.Abstractions;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Sessions.Tests;

/// <summary>The SessionActor on our SQLite journal: commands, replies, durability across ActorSystems, secrets at rest.</summary>
public sealed class SessionActorTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly SessionId Alice = new("alice");
    private static readonly SessionOptions Options = new("SessionCluster", "Chrome", onlineOnConnect: true);

    private readonly SessionNodes _nodes = new(output);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _nodes.DisposeAsync();

    [Fact]
    public async Task Create_answers_Created_with_public_facts_only_and_a_second_Create_answers_AlreadyExists()
    {
        var system = _nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, _nodes.Dependencies()));

        var created = Assert.IsType<Created>(await Ask(session, new Create(Alice, Options)));
        var again = Assert.IsType<AlreadyExists>(await Ask(session, new Create(Alice, Options)));
        var status = Assert.IsType<StatusReply>(await Ask(session, new GetStatus(Alice)));

        Assert.Equal(SessionStatus.Created, created.Status.Status);
        Assert.Equal(1, created.Status.LastEventSequence);
        Assert.Null(created.Status.SecretsFailure);
        Assert.Equal(created.Status, again.Status);
        Assert.Equal(created.Status, status.Status);
        // The view has no field that could hold a private key; its text holds none of the keys drawn for this session.
        var text = status.ToString();
        foreach (var draw in _nodes.Random.Draws.Where(d => d.Length == 32))
        {
            Assert.DoesNotContain(Convert.ToHexStringLower(draw), text, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToHexStringLower(Curve25519.FromPrivateKey(draw).PrivateKey.Span), text, StringComparison.Ordinal);
        }

        Assert.Contains(created.Status.IdentityPublicKeyHex!, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_never_created_answers_NotFound_and_Delete_answers_Deleted_then_status_Deleted()
    {
        var system = _nodes.Start();
        var session = system.ActorOf(SessionActor.Props(Alice, _nodes.Dependencies()));

        Assert.IsType<NotFound>(await Ask(session, new GetStatus(Alice)));
        Assert.IsType<NotFound>(await Ask(session, new Delete(Alice)));
        Assert.IsType<NotFound>(await Ask(session, new LinkByQr(Alice)));
        Assert.IsType<NotFound>(await Ask(session, Send.Text(Alice, "15550002222@s.whatsapp.net", "to nobody")));
        Assert.IsType<Created>(await Ask(session, new Create(Alice, Options)));
        Assert.IsType<Deleted>(await Ask(session, new Delete(Alice)));
        Assert.IsType<Deleted>(await Ask(session, new Delete(Alice)));
        Assert.Equal(new LinkRefused(Alice, LinkRefusal.Deleted), await Ask(session, new LinkByQr(Alice)));

        var status = Assert.IsType<StatusReply>(await Ask(session, new GetStatus(Alice))).Status;
        Assert.Equal(SessionStatus.Deleted, status.Status);
        Assert.Null(status.IdentityPublicKeyHex);
        Assert.Equal(2, status.LastEventSequence);
    }

    [Fact]
    public async Task A_new_ActorSystem_on_the_same_journal_file_recovers_the_same_registration()
    {
        var first = _nodes.Start();
        var created = Assert.IsType<Created>(await Ask(first.ActorOf(SessionActor.Props(Alice, _nodes.Dependencies())), new Create(Alice, Options))).Status;
        await SessionNodes.StopAsync(first);

        var second = _nodes.Start();
        var recovered = Assert.IsType<StatusReply>(await Ask(second.ActorOf(SessionActor.Props(Alice, _nodes.Dependencies())), new GetStatus(Alice))).Status;

        Assert.Equal(created.RegistrationId, recovered.RegistrationId);
        Assert.Equal(created.IdentityPublicKeyHex, recovered.IdentityPublicKeyHex);
        Assert.Equal(created.CreatedAt, recovered.CreatedAt);
        Assert.Equal(SessionStatus.Created, recovered.Status);
        Assert.Null(recovered.SecretsFailure);
    }

    [Fact]
    public async Task The_journal_file_never_holds_a_private_key_in_plain()
    {
        var system = _nodes.Start();
        Assert.IsType<Created>(await Ask(system.ActorOf(SessionActor.Props(Alice, _nodes.Dependencies())), new Create(Alice, Options)));
        await SessionNodes.StopAsync(system);

        var bytes = Directory.GetFiles(_nodes.Folder, "sessioncluster.db*").SelectMany(File.ReadAllBytes).ToArray();
        // The scan sees the journal: the session's persistence id is there in plain.
        Assert.NotEqual(-1, bytes.AsSpan().IndexOf("session-alice"u8));
        // Every 32-byte draw of the session's random source is a private key (noise, identity, signed prekey) or the ADV
        // secret; none is in the file, clamped or not.
        var keys = _nodes.Random.Draws.Where(d => d.Length == 32).ToList();
        Assert.True(keys.Count >= 4, $"{keys.Count} keys drawn");
        foreach (var key in keys)
        {
            Assert.Equal(-1, bytes.AsSpan().IndexOf(key));
            Assert.Equal(-1, bytes.AsSpan().IndexOf(Curve25519.FromPrivateKey(key).PrivateKey.Span));
        }
    }

    [Fact]
    public async Task A_wrong_secrets_key_at_recovery_is_reported_by_GetStatus_logged_once_and_changes_nothing()
    {
        var first = _nodes.Start();
        var created = Assert.IsType<Created>(await Ask(first.ActorOf(SessionActor.Props(Alice, _nodes.Dependencies())), new Create(Alice, Options))).Status;
        await SessionNodes.StopAsync(first);

        var wrongKey = SecretKey.Generate(System.Security.Cryptography.RandomNumberGenerator.Create());
        var second = _nodes.Start();
        var session = second.ActorOf(SessionActor.Props(Alice, _nodes.Dependencies(wrongKey)));
        var status = Assert.IsType<StatusReply>(await Ask(session, new GetStatus(Alice))).Status;
        var delete = Assert.IsType<Unavailable>(await Ask(session, new Delete(Alice)));
        var create = Assert.IsType<Unavailable>(await Ask(session, new Create(Alice, Options)));
        Assert.IsType<Unavailable>(await Ask(session, new LinkByQr(Alice)));
        Assert.IsType<StatusReply>(await Ask(session, new GetStatus(Alice)));

        Assert.Equal(SecretsFailure.WrongKey, status.SecretsFailure);
        Assert.Contains(wrongKey.KeyIdHex, status.SecretsFailureReason, StringComparison.Ordinal);
        Assert.Equal(SessionStatus.Created, status.Status);
        Assert.Null(status.RegistrationId);
        Assert.Equal(SecretsFailure.WrongKey, delete.Failure);
        Assert.Equal(SecretsFailure.WrongKey, create.Failure);
        Assert.Equal(1, _nodes.Logs.Count(1500));
        Assert.DoesNotContain(_nodes.Key.ExportBase64(), string.Join('\n', _nodes.Logs.Entries.Select(e => e.Message)), StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey.ExportBase64(), string.Join('\n', _nodes.Logs.Entries.Select(e => e.Message)), StringComparison.Ordinal);
        await SessionNodes.StopAsync(second);

        // With the right key again the session is as it was: the refused Delete wrote nothing.
        var third = _nodes.Start();
        var after = Assert.IsType<StatusReply>(await Ask(third.ActorOf(SessionActor.Props(Alice, _nodes.Dependencies())), new GetStatus(Alice))).Status;
        Assert.Equal(created, after);
    }

    [Fact]
    public async Task Domain_events_carry_gapless_sequence_numbers_from_1_across_a_restart()
    {
        var first = _nodes.Start();
        Assert.IsType<Created>(await Ask(first.ActorOf(SessionActor.Props(Alice, _nodes.Dependencies())), new Create(Alice, Options)));
        await SessionNodes.StopAsync(first);

        var second = _nodes.Start();
        Assert.IsType<Deleted>(await Ask(second.ActorOf(SessionActor.Props(Alice, _nodes.Dependencies())), new Delete(Alice)));

        var journal = PersistenceQuery.Get(second).ReadJournalFor<SessionClusterReadJournal>(SessionClusterPersistence.SqliteReadJournalId);
        var stored = await journal.CurrentEventsByPersistenceId(Alice.PersistenceId, 0, long.MaxValue)
            .Select(e => e.Event)
            .RunWith(Sink.Seq<object>(), second.Materializer())
            .WaitAsync(SessionNodes.Timeout);
        var events = stored.OfType<SessionEventRecord>().Select(r => SessionEvent.FromRecord(Alice, r)).ToList();

        Assert.Equal([1L, 2L], events.Select(e => e.Sequence));
        Assert.Equal([SessionStatus.Created, SessionStatus.Deleted], events.Select(e => ((SessionStatusChangedBody)e.Body).Status));
        Assert.All(events, e => Assert.Equal(7, e.Id.Version));
        Assert.Equal(2, events.Select(e => e.Id).Distinct().Count());
        Assert.Equal([typeof(SessionCreated), typeof(SessionEventRecord), typeof(SessionDeleted), typeof(SessionEventRecord)], stored.Select(e => e.GetType()));
    }

    private static Task<Reply> Ask(IActorRef session, object command) => session.Ask<Reply>(command, SessionNodes.Timeout);
}
