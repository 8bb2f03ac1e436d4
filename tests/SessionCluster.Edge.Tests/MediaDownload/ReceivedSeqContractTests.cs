using SessionCluster.Edge.Chats;
using SessionCluster.Edge.Events;
using SessionCluster.Edge.Sessions;
using SessionCluster.Edge.Store;
using SessionCluster.Edge.Tenants;
using SessionCluster.Edge.Tests.Chats;
using SessionCluster.Protocol.Wa.E2E;
using SessionCluster.Sessions;
using SessionCluster.TestSupport;

namespace SessionCluster.Edge.Tests.MediaDownload;

/// <summary>
/// The store keeps where each received message is in its session's log (migration 0004), on each edge database, so a
/// download reads that one event back: the first report's sequence survives a redelivery, and sends have none.
/// </summary>
public abstract class ReceivedSeqContractTests : IAsyncLifetime
{
    private const string Peer = "15550009009@s.whatsapp.net";
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private EdgeDatabase _database = null!;

    protected abstract Task<EdgeDatabase> CreateDatabaseAsync();

    public async Task InitializeAsync()
    {
        _database = await CreateDatabaseAsync();
        await EdgeMigrations.ApplyAsync(_database, CancellationToken.None);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task A_received_message_keeps_its_event_sequence_through_a_redelivery_and_a_send_has_none()
    {
        var session = (await new SessionDirectory(_database, TimeProvider.System).TryReserveAsync(Tenant.DefaultId, "seq", CancellationToken.None))!;
        var image = new Message { ImageMessage = new ImageMessage { DirectPath = "/v/t62.7118-24/x.enc", Mimetype = "image/jpeg" } };
        await ChatProjection.ApplyAsync(_database, [
            Received(session, 3, "IMG1", image),
            new TenantEvent(session, new SessionEvent(Guid.CreateVersion7(), session.ActorId, 4, Now, new MessageStatusBody("OUT1", Peer, MessageDelivery.Accepted, null))),
            Received(session, 7, "IMG1", image),
            Received(session, 8, "TXT1", new Message { Conversation = "hi" }),
        ], _ => null, CancellationToken.None);
        var store = new ChatStore(_database);

        Assert.Equal(3, await store.ReceivedSeqAsync(session.ActorId, "IMG1", CancellationToken.None));
        Assert.Equal(8, await store.ReceivedSeqAsync(session.ActorId, "TXT1", CancellationToken.None));
        Assert.Null(await store.ReceivedSeqAsync(session.ActorId, "OUT1", CancellationToken.None));
        Assert.Null(await store.ReceivedSeqAsync(session.ActorId, "NONE", CancellationToken.None));
    }

    private static TenantEvent Received(SessionEntry session, long seq, string id, Message message) => new(session, new SessionEvent(
        Guid.CreateVersion7(), session.ActorId, seq, Now, new MessageReceivedBody(id, Peer, null, Peer, null, Peer, Now, false, message, false, "Peer")));
}

public sealed class SqliteReceivedSeqContractTests : ReceivedSeqContractTests, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sessioncluster-seq-").FullName;

    protected override Task<EdgeDatabase> CreateDatabaseAsync() => Task.FromResult(EdgeDatabase.Sqlite(Path.Combine(_folder, "edge.db")));

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

[Collection(ChatStorePostgres.Name)]
public sealed class PostgresReceivedSeqContractTests(PostgresServer server) : ReceivedSeqContractTests
{
    protected override async Task<EdgeDatabase> CreateDatabaseAsync() => EdgeDatabase.Postgres(await server.CreateDatabaseAsync("seq"));
}
