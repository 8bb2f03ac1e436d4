using SessionCluster.Edge.Chats;
using SessionCluster.Edge.Events;
using SessionCluster.Edge.Sessions;
using SessionCluster.Edge.Store;
using SessionCluster.Edge.Tenants;
using SessionCluster.Protocol.Wa.Common;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Sessions;
using SessionCluster.TestSupport;

namespace SessionCluster.Edge.Tests.Chats;

/// <summary>
/// The store's projection and queries on each edge database (the same SQL on SQLite and PostgreSQL): exactly-once
/// application under repeated and overlapping batches, the furthest status, retention at an exact time, a deleted
/// session's tombstone, a keep-nothing tenant, and paging among equal timestamps.
/// </summary>
public abstract class ChatStoreContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private EdgeDatabase _database = null!;

    protected abstract Task<EdgeDatabase> CreateDatabaseAsync();

    private ChatStore Store => new(_database);

    public async Task InitializeAsync()
    {
        _database = await CreateDatabaseAsync();
        await EdgeMigrations.ApplyAsync(_database, CancellationToken.None);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task A_batch_applied_again_or_in_overlapping_batches_after_a_restart_is_applied_once()
    {
        var session = await SessionAsync(Tenant.DefaultId, "once");
        var events = Enumerable.Range(1, 30).Select(i => Received(session, i, $"IN{i:00}", $"text {i}", Now.AddSeconds(i)))
            .Concat([Status(session, 31, "OUT1", MessageDelivery.Accepted), Status(session, 32, "OUT1", MessageDelivery.Sent), Status(session, 33, "OUT1", MessageDelivery.Delivered)])
            .Append(Received(session, 34, "IN34", "after our send", Now.AddSeconds(40)))
            .ToList();

        Assert.Equal(20, await ApplyAsync(events[..20]));
        Assert.Equal(14, await ApplyAsync(events[10..]));
        Assert.Equal(0, await ApplyAsync(events));

        var chat = Assert.Single(await Store.ChatsAsync(session.ActorId, null, 10, CancellationToken.None));
        Assert.Equal(31, chat.Unread);
        Assert.Equal("Peer", chat.Name);
        Assert.Equal("IN34", chat.LastMessageId);
        Assert.Equal(32, (await Store.MessagesAsync(session.ActorId, Peer, null, null, 100, CancellationToken.None)).Count);
        var (message, history) = (await Store.MessageAsync(session.ActorId, "OUT1", CancellationToken.None))!.Value;
        Assert.Equal(MessageDelivery.Delivered, message.Status);
        Assert.Equal([MessageDelivery.Accepted, MessageDelivery.Sent, MessageDelivery.Delivered], history.Select(h => h.Status));
        Assert.Equal(34, (await Store.CursorsAsync([session.ActorId], CancellationToken.None))[session.ActorId.Value]);
        var contact = Assert.Single(await Store.ContactsAsync(session.ActorId, null, 10, CancellationToken.None));
        Assert.Equal((Peer, Peer, PeerLid, "Peer"), (contact.Jid, contact.Pn, contact.Lid, contact.PushName));
    }

    [Fact]
    public async Task Receipts_in_any_order_leave_the_furthest_status_and_failed_is_final()
    {
        var session = await SessionAsync(Tenant.DefaultId, "receipts");
        await ApplyAsync([
            Status(session, 1, "R1", MessageDelivery.Accepted), Status(session, 2, "R1", MessageDelivery.Read, "15550009009:3@s.whatsapp.net"),
            Status(session, 3, "R1", MessageDelivery.Delivered, "15550009009:1@s.whatsapp.net"),
            Status(session, 4, "F1", MessageDelivery.Accepted), Status(session, 5, "F1", MessageDelivery.Failed), Status(session, 6, "F1", MessageDelivery.Delivered),
        ]);

        var (read, readHistory) = (await Store.MessageAsync(session.ActorId, "R1", CancellationToken.None))!.Value;
        Assert.Equal(MessageDelivery.Read, read.Status);
        Assert.Equal([MessageDelivery.Accepted, MessageDelivery.Read, MessageDelivery.Delivered], readHistory.Select(h => h.Status));
        Assert.Equal("15550009009:1@s.whatsapp.net", readHistory[2].Device);
        Assert.Equal(MessageDelivery.Failed, (await Store.MessageAsync(session.ActorId, "F1", CancellationToken.None))!.Value.Message.Status);
    }

    [Fact]
    public async Task The_sweep_deletes_exactly_the_messages_older_than_each_tenants_days_with_their_history()
    {
        var tenants = new TenantStore(_database);
        Assert.True(await tenants.TryCreateAsync(new Tenant("one-day", "One day", null, null, 1, Now), CancellationToken.None));
        var day = await SessionAsync("one-day", "s");
        var forever = await SessionAsync(Tenant.DefaultId, "s");
        foreach (var session in new[] { day, forever })
        {
            await ApplyAsync([
                Received(session, 1, "OLD", "three days", Now.AddDays(-3)),
                Received(session, 2, "EDGE", "a day and a second", Now.AddDays(-1).AddSeconds(-1)),
                Received(session, 3, "KEPT", "a day less a second", Now.AddDays(-1).AddSeconds(1)),
                Status(session, 4, "OUT", MessageDelivery.Accepted, at: Now.AddDays(-2)),
                Status(session, 5, "OUT", MessageDelivery.Delivered, at: Now.AddDays(-2)),
            ]);
        }

        Assert.Equal(3, await Store.SweepAsync(Now, CancellationToken.None));
        Assert.Equal(["KEPT"], (await Store.MessagesAsync(day.ActorId, Peer, null, null, 100, CancellationToken.None)).Select(m => m.Id));
        Assert.Null(await Store.MessageAsync(day.ActorId, "OUT", CancellationToken.None));
        await using (var connection = await _database.OpenAsync(CancellationToken.None))
        {
            Assert.Equal(0L, await connection.QuerySingleAsync("SELECT COUNT(*) FROM store_statuses WHERE actor_id = @actor", r => r.GetInt64(0), CancellationToken.None,
                ("actor", day.ActorId.Value)));
        }

        Assert.Single(await Store.ChatsAsync(day.ActorId, null, 10, CancellationToken.None));
        Assert.Single(await Store.ContactsAsync(day.ActorId, null, 10, CancellationToken.None));
        Assert.Equal(["OLD", "OUT", "EDGE", "KEPT"], (await Store.MessagesAsync(forever.ActorId, Peer, null, null, 100, CancellationToken.None)).Select(m => m.Id));
        Assert.Equal(2, (await Store.MessageAsync(forever.ActorId, "OUT", CancellationToken.None))!.Value.History.Count);
        Assert.Equal(0, await Store.SweepAsync(Now, CancellationToken.None));
    }

    [Fact]
    public async Task A_deleted_sessions_rows_are_gone_and_its_late_events_write_nothing()
    {
        var doomed = await SessionAsync(Tenant.DefaultId, "doomed");
        var other = await SessionAsync(Tenant.DefaultId, "other");
        await ApplyAsync([Received(doomed, 1, "D1", "x", Now), Status(doomed, 2, "D2", MessageDelivery.Accepted), Received(other, 1, "O1", "y", Now)]);

        await Store.DeleteSessionAsync(doomed.ActorId, CancellationToken.None);
        Assert.Equal(0, await ApplyAsync([Received(doomed, 3, "D3", "late", Now), Status(doomed, 4, "D2", MessageDelivery.Delivered)]));

        Assert.Empty(await Store.ChatsAsync(doomed.ActorId, null, 10, CancellationToken.None));
        Assert.Empty(await Store.ContactsAsync(doomed.ActorId, null, 10, CancellationToken.None));
        Assert.Null(await Store.MessageAsync(doomed.ActorId, "D2", CancellationToken.None));
        Assert.Single(await Store.MessagesAsync(other.ActorId, Peer, null, null, 10, CancellationToken.None));
    }

    [Fact]
    public async Task A_tenant_that_keeps_nothing_gets_chats_and_unread_counts_but_no_message_rows()
    {
        Assert.True(await new TenantStore(_database).TryCreateAsync(new Tenant("none", "None", null, null, 0, Now), CancellationToken.None));
        var session = await SessionAsync("none", "s");
        await ApplyAsync([Status(session, 1, "N1", MessageDelivery.Accepted), Received(session, 2, "N2", "secret", Now), Received(session, 3, "N3", "secret", Now)], keepNothing: "none");

        var chat = Assert.Single(await Store.ChatsAsync(session.ActorId, null, 10, CancellationToken.None));
        Assert.Equal(2, chat.Unread);
        Assert.Equal("N3", chat.LastMessageId);
        Assert.Null(chat.LastText);
        Assert.Empty(await Store.MessagesAsync(session.ActorId, Peer, null, null, 10, CancellationToken.None));
        Assert.Null(await Store.MessageAsync(session.ActorId, "N1", CancellationToken.None));
    }

    [Fact]
    public async Task Messages_with_the_same_timestamp_page_both_ways_in_id_order()
    {
        var session = await SessionAsync(Tenant.DefaultId, "same-second");
        await ApplyAsync(Enumerable.Range(0, 10).Select(i => Received(session, i + 1, $"M{i}", $"t{i}", Now)).ToList());
        var cursor = (string id) => new StoreCursor(Now.ToUnixTimeMilliseconds(), id);

        Assert.Equal(["M7", "M8", "M9"], await IdsAsync(null, null));
        Assert.Equal(["M4", "M5", "M6"], await IdsAsync(cursor("M7"), null));
        Assert.Equal(["M2", "M3", "M4"], await IdsAsync(null, cursor("M1")));
        Assert.Equal(["M0"], await IdsAsync(cursor("M1"), null));
        Assert.Empty(await IdsAsync(null, cursor("M9")));
        Assert.True(await Store.AnyBeyondAsync(session.ActorId, Peer, cursor("M1"), older: true, CancellationToken.None));
        Assert.False(await Store.AnyBeyondAsync(session.ActorId, Peer, cursor("M0"), older: true, CancellationToken.None));

        async Task<IEnumerable<string>> IdsAsync(StoreCursor? before, StoreCursor? after) =>
            (await Store.MessagesAsync(session.ActorId, Peer, before, after, 3, CancellationToken.None)).Select(m => m.Id).ToList();
    }

    [Fact]
    public async Task Reactions_are_kept_beside_their_message_one_per_user_the_newest_winning_and_an_empty_one_takes_it_back()
    {
        var session = await SessionAsync(Tenant.DefaultId, "reactions");
        await ApplyAsync([
            Received(session, 1, "M1", "react to me", Now),
            Reacted(session, 2, "R1", "M1", "👍", Now.AddSeconds(1)),
            Reacted(session, 3, "R2", "M1", "❤️", Now.AddSeconds(3)),
            Reacted(session, 4, "R0", "M1", "😮", Now.AddSeconds(2)),
        ]);
        await Store.FoldAsync(session.ActorId, Peer, new MessageContentView.ReactionContent(new MessageKey { ID = "M1", FromMe = false }, "🙏"), ChatJids.Own, Now.AddSeconds(4), CancellationToken.None);

        var message = Assert.Single(await Store.MessagesAsync(session.ActorId, Peer, null, null, 10, CancellationToken.None), m => m.Id == "M1");
        Assert.Equal([(Peer, "❤️"), (null, "🙏")], message.Reactions.Select(r => (r.Reactor, r.Emoji)));
        Assert.Equal(message.Reactions, (await Store.MessageAsync(session.ActorId, "M1", CancellationToken.None))!.Value.Message.Reactions);

        await ApplyAsync([Reacted(session, 5, "R3", "M1", "", Now.AddSeconds(5))]);
        var after = (await Store.MessageAsync(session.ActorId, "M1", CancellationToken.None))!.Value.Message;
        Assert.Equal([(null, "🙏")], after.Reactions.Select(r => ((string?)r.Reactor, r.Emoji)));
        Assert.Equal(5, (await Store.MessagesAsync(session.ActorId, Peer, null, null, 10, CancellationToken.None)).Count);

        await Store.DeleteSessionAsync(session.ActorId, CancellationToken.None);
        await using var connection = await _database.OpenAsync(CancellationToken.None);
        Assert.Equal(0, await connection.QuerySingleAsync("SELECT COUNT(*) FROM store_reactions WHERE actor_id = @actor", r => r.GetInt64(0), CancellationToken.None,
            ("actor", session.ActorId.Value)));
    }

    [Fact]
    public async Task Poll_votes_are_kept_beside_their_poll_one_per_voter_the_newest_winning_and_no_options_take_it_back()
    {
        var session = await SessionAsync(Tenant.DefaultId, "votes");
        var poll = new Message { PollCreationMessageV3 = new PollCreationMessage { Name = "Lunch?", Options = { new PollCreationMessage.Types.Option { OptionName = "Yes" }, new PollCreationMessage.Types.Option { OptionName = "No" } } } };
        await ApplyAsync([
            new(session, new SessionEvent(Guid.CreateVersion7(), session.ActorId, 1, Now, new MessageReceivedBody("P1", PeerLid, Peer, PeerLid, Peer, PeerLid, Now, false, poll, false, "Peer"))),
            Voted(session, 2, "V1", "P1", ["No"], Now.AddSeconds(2)),
            Voted(session, 3, "V0", "P1", ["Yes"], Now.AddSeconds(1)),
            Voted(session, 4, "VX", "P1", [], Now.AddSeconds(1), decrypted: false),
            Received(session, 5, "T1", "not a poll", Now.AddSeconds(3)),
        ]);
        await Store.RecordVoteAsync(session.ActorId, Peer, "P1", ["Yes", "No"], Now.AddSeconds(4), CancellationToken.None);

        var messages = await Store.MessagesAsync(session.ActorId, Peer, null, null, 10, CancellationToken.None);
        Assert.Equal(["P1", "T1"], messages.Select(m => m.Id));
        Assert.Equal([(Peer, "No"), (null, "Yes,No")], Choices(messages[0]));
        Assert.Empty(messages[1].Votes);
        Assert.Equal(Choices(messages[0]), Choices((await Store.MessageAsync(session.ActorId, "P1", CancellationToken.None))!.Value.Message));

        await ApplyAsync([Voted(session, 6, "V2", "P1", [], Now.AddSeconds(5))]);
        await Store.RecordVoteAsync(session.ActorId, Peer, "P1", [], Now.AddSeconds(5), CancellationToken.None);
        Assert.Empty((await Store.MessageAsync(session.ActorId, "P1", CancellationToken.None))!.Value.Message.Votes);

        static IEnumerable<(string?, string)> Choices(StoredMessage poll) => poll.Votes.Select(v => (v.Voter, string.Join(",", v.Options)));
    }

    [Fact]
    public async Task A_history_batch_adds_chats_messages_and_contacts_without_overriding_what_live_events_wrote()
    {
        var session = await SessionAsync(Tenant.DefaultId, "history");
        const string Other = "15550008008@s.whatsapp.net";
        const string Group = "120363000000000001@g.us";
        await ApplyAsync([Received(session, 1, "LIVE1", "live before history", Now.AddMinutes(-1))]);
        var history = History(session, 2, [new HistoryLidMapping(Peer, PeerLid)], [new HistoryPushName(Other, "Olga")], [
            new HistoryConversation(PeerLid, null, 7, [
                new HistoryMessage("H1", false, null, Now.AddDays(-2), "old hello"),
                new HistoryMessage("H2", true, null, Now.AddDays(-1), "old reply"),
                new HistoryMessage("LIVE1", false, null, Now.AddMinutes(-1), "the same message again")]),
            new HistoryConversation(Other, "Olga", 2, [new HistoryMessage("H3", false, null, Now.AddHours(-3), null)]),
            new HistoryConversation(Group, "Team", 0, [new HistoryMessage("H4", false, "15550007007@s.whatsapp.net", Now.AddHours(-2), "in the group")]),
            new HistoryConversation("15550006006@s.whatsapp.net", null, null, []),
        ]);
        Assert.Equal(1, await ApplyAsync([history]));
        Assert.Equal(0, await ApplyAsync([history]));

        var chats = await Store.ChatsAsync(session.ActorId, null, 10, CancellationToken.None);
        Assert.Equal([(Peer, "LIVE1", 1L), (Group, "H4", 0L), (Other, "H3", 2L)], chats.Select(c => (c.Jid, c.LastMessageId, c.Unread)));
        var peerMessages = await Store.MessagesAsync(session.ActorId, Peer, null, null, 10, CancellationToken.None);
        Assert.Equal([("H1", "in", "old hello"), ("H2", "out", "old reply"), ("LIVE1", "in", "live before history")],
            peerMessages.Select(m => (m.Id, m.Direction, m.Text)));
        Assert.Equal(PeerLid, peerMessages[0].Sender);
        var groupMessage = Assert.Single(await Store.MessagesAsync(session.ActorId, Group, null, null, 10, CancellationToken.None));
        Assert.Equal(("15550007007@s.whatsapp.net", "text"), (groupMessage.Sender, groupMessage.Type));
        Assert.Equal("other", Assert.Single(await Store.MessagesAsync(session.ActorId, Other, null, null, 10, CancellationToken.None)).Type);
        var contacts = await Store.ContactsAsync(session.ActorId, null, 10, CancellationToken.None);
        Assert.Contains(contacts, c => c.Jid == Other && c.PushName == "Olga");
        Assert.Contains(contacts, c => c.Jid == Peer && c.Lid == PeerLid && c.PushName == "Peer");

        await ApplyAsync([Received(session, 3, "LIVE2", "live after history", Now)]);
        Assert.Equal(2, Assert.Single(await Store.ChatsAsync(session.ActorId, null, 1, CancellationToken.None)).Unread);
    }

    [Fact]
    public async Task A_tenant_that_keeps_nothing_gets_history_chats_but_no_message_rows()
    {
        var session = await SessionAsync(Tenant.DefaultId, "history-nothing");
        await ApplyAsync([History(session, 1, [], [], [new HistoryConversation(Peer, null, 3, [new HistoryMessage("H1", false, null, Now, "secret")])])], keepNothing: Tenant.DefaultId);

        var chat = Assert.Single(await Store.ChatsAsync(session.ActorId, null, 10, CancellationToken.None));
        Assert.Equal((Peer, 3L, (string?)null), (chat.Jid, chat.Unread, chat.LastText));
        Assert.Empty(await Store.MessagesAsync(session.ActorId, Peer, null, null, 10, CancellationToken.None));
    }

    private const string Peer = "15550009009@s.whatsapp.net";
    private const string PeerLid = "2000000009@lid";

    private Task<int> ApplyAsync(IReadOnlyList<TenantEvent> batch, string? keepNothing = null) =>
        ChatProjection.ApplyAsync(_database, batch, tenant => tenant == keepNothing ? 0 : null, CancellationToken.None);

    private async Task<SessionEntry> SessionAsync(string tenant, string id) =>
        (await new SessionDirectory(_database, TimeProvider.System).TryReserveAsync(tenant, id, CancellationToken.None))!;

    /// <summary>An inbound text from the peer, named by LID with its phone number beside it (as the server does after the LID migration).</summary>
    private static TenantEvent Received(SessionEntry session, long seq, string id, string text, DateTimeOffset at) => new(session, new SessionEvent(
        Guid.CreateVersion7(), session.ActorId, seq, at,
        new MessageReceivedBody(id, PeerLid, Peer, PeerLid, Peer, PeerLid, at, false, new Message { Conversation = text }, false, "Peer")));

    /// <summary>The peer's reaction <paramref name="id"/> to <paramref name="target"/> (an empty emoji takes it back).</summary>
    private static TenantEvent Reacted(SessionEntry session, long seq, string id, string target, string emoji, DateTimeOffset at) => new(session, new SessionEvent(
        Guid.CreateVersion7(), session.ActorId, seq, at,
        new MessageReceivedBody(id, PeerLid, Peer, PeerLid, Peer, PeerLid, at, false,
            new Message { ReactionMessage = new ReactionMessage { Key = new MessageKey { RemoteJID = PeerLid, FromMe = false, ID = target }, Text = emoji } }, false, "Peer")));

    /// <summary>The peer's vote <paramref name="id"/> on <paramref name="poll"/>, read (or, when not <paramref name="decrypted"/>, unreadable).</summary>
    private static TenantEvent Voted(SessionEntry session, long seq, string id, string poll, IReadOnlyList<string> options, DateTimeOffset at, bool decrypted = true) =>
        new(session, new SessionEvent(Guid.CreateVersion7(), session.ActorId, seq, at,
            new PollVoteReceivedBody(id, PeerLid, Peer, PeerLid, Peer, PeerLid, at, false, false, "Peer", poll, decrypted, options, 0, decrypted ? null : "authentication_failed")));

    private static TenantEvent History(
        SessionEntry session, long seq, IReadOnlyList<HistoryLidMapping> mappings, IReadOnlyList<HistoryPushName> names, IReadOnlyList<HistoryConversation> conversations) =>
        new(session, new SessionEvent(Guid.CreateVersion7(), session.ActorId, seq, Now,
            new HistorySyncBody("HIST1", "15550001001@s.whatsapp.net", "INITIAL_BOOTSTRAP", 0, 50, 0, conversations, names, mappings)));

    private static TenantEvent Status(SessionEntry session, long seq, string id, MessageDelivery status, string? device = null, DateTimeOffset? at = null) =>
        new(session, new SessionEvent(Guid.CreateVersion7(), session.ActorId, seq, at ?? Now, new MessageStatusBody(id, Peer, status, device)));
}

public sealed class SqliteChatStoreContractTests : ChatStoreContractTests, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sessioncluster-chats-").FullName;

    protected override Task<EdgeDatabase> CreateDatabaseAsync() => Task.FromResult(EdgeDatabase.Sqlite(Path.Combine(_folder, "edge.db")));

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

[Collection(ChatStorePostgres.Name)]
public sealed class PostgresChatStoreContractTests(PostgresServer server) : ChatStoreContractTests
{
    protected override async Task<EdgeDatabase> CreateDatabaseAsync() => EdgeDatabase.Postgres(await server.CreateDatabaseAsync("chats"));
}

/// <summary>One throwaway PostgreSQL server for the store's contract tests.</summary>
[CollectionDefinition(Name)]
public sealed class ChatStorePostgres : ICollectionFixture<PostgresServer>
{
    public const string Name = "Chats store on PostgreSQL";
}
