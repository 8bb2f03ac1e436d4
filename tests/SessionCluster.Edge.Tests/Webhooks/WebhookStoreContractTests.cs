using System.Security.Cryptography;
using System.Text;
using SessionCluster.Edge.Sessions;
using SessionCluster.Edge.Store;
using SessionCluster.Edge.Tenants;
using SessionCluster.Edge.Webhooks;
using SessionCluster.Sessions.State;
using SessionCluster.TestSupport;

namespace SessionCluster.Edge.Tests.Webhooks;

/// <summary>
/// The webhook outbox's bookkeeping (webhooks, cursors, dead letters) as one contract, run on SQLite and on PostgreSQL
/// over the real migrations: the same SQL must mean the same on both.
/// </summary>
public abstract class WebhookStoreContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);

    private EdgeDatabase _database = null!;
    private WebhookStore _store = null!;
    private SessionEntry _session = null!;

    protected abstract Task<EdgeDatabase> OpenAsync();

    public async Task InitializeAsync()
    {
        _database = await OpenAsync();
        await EdgeMigrations.ApplyAsync(_database, CancellationToken.None);
        _store = new WebhookStore(_database);
        await new TenantStore(_database).TryCreateAsync(new Tenant("other", "Other", null, null, null, Now), CancellationToken.None);
        _session = (await new SessionDirectory(_database, TimeProvider.System).TryReserveAsync("default", "store-session", CancellationToken.None))!;
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task A_webhook_is_found_only_in_its_tenant_and_scope_and_reads_back_as_written()
    {
        var tenantWide = Hook("wh_a", "default", null);
        var scoped = Hook("wh_b", "default", _session.ActorId.Value);
        await _store.CreateAsync(tenantWide, default);
        await _store.CreateAsync(scoped, default);
        await _store.CreateAsync(Hook("wh_c", "other", null), default);

        var read = await _store.FindAsync("default", "", "wh_a", default);
        Assert.NotNull(read);
        Assert.Equal((tenantWide.Id, tenantWide.TenantId, tenantWide.SessionActor, tenantWide.Url, tenantWide.SealedSecret, tenantWide.Format, tenantWide.CreatedAt),
            (read.Id, read.TenantId, read.SessionActor, read.Url, read.SealedSecret, read.Format, read.CreatedAt));
        Assert.Equal(tenantWide.Events, read.Events);
        Assert.Equal(tenantWide.Policy.NonRetryable, read.Policy.NonRetryable);
        Assert.Equal((tenantWide.Policy.Attempts, tenantWide.Policy.InitialDelay, tenantWide.Policy.MaxDelay, tenantWide.Policy.Jitter),
            (read.Policy.Attempts, read.Policy.InitialDelay, read.Policy.MaxDelay, read.Policy.Jitter));
        Assert.Null(await _store.FindAsync("other", "", "wh_a", default));
        Assert.Null(await _store.FindAsync("default", _session.ActorId.Value, "wh_a", default));
        Assert.Equal(["wh_a"], (await _store.ListAsync("default", "", default)).Select(w => w.Id));
        Assert.Equal(["wh_b"], (await _store.ListAsync("default", _session.ActorId.Value, default)).Select(w => w.Id));
        Assert.Equal(["wh_a", "wh_b", "wh_c"], (await _store.AllAsync(default)).Select(w => w.Id));

        Assert.False(await _store.DeleteAsync("other", "", "wh_a", default));
        Assert.True(await _store.DeleteAsync("default", "", "wh_a", default));
        Assert.False(await _store.DeleteAsync("default", "", "wh_a", default));
    }

    [Fact]
    public async Task A_cursor_starts_at_zero_moves_forward_and_never_back_and_concurrent_moves_commit_together()
    {
        await _store.CreateAsync(Hook("wh_cursor", "default", null), default);
        await _store.CreateAsync(Hook("wh_other", "default", null), default);
        var actor = _session.ActorId.Value;
        Assert.Equal(0, await _store.CursorAsync("wh_cursor", actor, default));
        await using var cursors = new CursorWriter(_store);
        await cursors.AdvanceAsync("wh_cursor", actor, 7, Now, default);
        await cursors.AdvanceAsync("wh_cursor", actor, 5, Now, default);
        Assert.Equal(7, await _store.CursorAsync("wh_cursor", actor, default));
        await Task.WhenAll(
            cursors.AdvanceAsync("wh_cursor", actor, 9, Now, default),
            cursors.AdvanceAsync("wh_other", actor, 3, Now, default),
            cursors.AdvanceAsync("wh_other", "s-another-actor", 11, Now, default));
        Assert.Equal(9, await _store.CursorAsync("wh_cursor", actor, default));
        Assert.Equal(3, await _store.CursorAsync("wh_other", actor, default));
        Assert.Equal(11, await _store.CursorAsync("wh_other", "s-another-actor", default));
        Assert.Equal([("store-session", 3L), (null, 11L)], (await _store.CursorsAsync("wh_other", default)).Select(c => (c.Session, c.AckedSeq)).OrderBy(c => c.AckedSeq));

        // A move that cannot be written fails its caller, and the writer goes on.
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => cursors.AdvanceAsync("wh_missing", actor, 1, Now, default));
        await cursors.AdvanceAsync("wh_cursor", actor, 10, Now, default);
        Assert.Equal(10, await _store.CursorAsync("wh_cursor", actor, default));
    }

    [Fact]
    public async Task Dead_letters_are_listed_with_their_session_replayed_on_request_and_go_with_their_webhook_or_session()
    {
        await _store.CreateAsync(Hook("wh_dead", "default", null), default);
        var actor = _session.ActorId.Value;
        await _store.DeadLetterAsync(Letter("dl_1", "wh_dead", actor, 3, 410), default);
        await _store.DeadLetterAsync(Letter("dl_2", "wh_dead", actor, 4, null), default);
        await _store.DeadLetterAsync(Letter("dl_again", "wh_dead", actor, 3, 500), default);

        var listed = await _store.DeadLettersAsync("wh_dead", 10, default);
        Assert.Equal(["dl_1", "dl_2"], listed.Select(l => l.Letter.Id));
        Assert.All(listed, l => Assert.Equal("store-session", l.Session));
        Assert.Equal(500, listed[0].Letter.LastStatus);
        Assert.Null(listed[1].Letter.LastStatus);
        Assert.Equal("refused", listed[1].Letter.LastError);

        Assert.Empty(await _store.PendingReplaysAsync(10, default));
        Assert.Equal(1, await _store.RequestReplayAsync("wh_dead", "dl_2", Now, default));
        Assert.Equal(0, await _store.RequestReplayAsync("wh_dead", "dl_unknown", Now, default));
        Assert.Equal(["dl_2"], (await _store.PendingReplaysAsync(10, default)).Select(l => l.Id));
        Assert.Equal(2, await _store.RequestReplayAsync("wh_dead", null, Now, default));
        Assert.Equal(["dl_1", "dl_2"], (await _store.PendingReplaysAsync(10, default)).Select(l => l.Id));

        // Dead again after a replay: the same letter, its replay request done.
        await _store.DeadLetterAsync(Letter("dl_new", "wh_dead", actor, 3, 503), default);
        Assert.Equal(["dl_2"], (await _store.PendingReplaysAsync(10, default)).Select(l => l.Id));
        await _store.RemoveDeadLetterAsync("dl_2", default);
        Assert.Equal(["dl_1"], (await _store.DeadLettersAsync("wh_dead", 10, default)).Select(l => l.Letter.Id));

        await _store.AdvanceManyAsync([("wh_dead", actor, 4, Now)], default);
        await _store.CreateAsync(Hook("wh_session", "default", actor), default);
        await _store.ForgetSessionAsync(actor, default);
        Assert.Empty(await _store.DeadLettersAsync("wh_dead", 10, default));
        Assert.Equal(0, await _store.CursorAsync("wh_dead", actor, default));
        Assert.Null(await _store.FindAsync("default", actor, "wh_session", default));
        Assert.NotNull(await _store.FindAsync("default", "", "wh_dead", default));

        await _store.DeadLetterAsync(Letter("dl_3", "wh_dead", actor, 8, 410), default);
        Assert.True(await _store.DeleteAsync("default", "", "wh_dead", default));
        Assert.Empty(await _store.DeadLettersAsync("wh_dead", 10, default));
    }

    [Fact]
    public async Task A_secret_sealed_under_a_previous_node_key_is_sealed_again_under_the_current_one_which_alone_then_opens_it()
    {
        var oldKey = SecretKey.Generate(RandomNumberGenerator.Create());
        var newKey = SecretKey.Generate(RandomNumberGenerator.Create());
        var before = new WebhookSecrets(new SecretBox(oldKey, RandomNumberGenerator.Create()));
        await _store.CreateAsync(Hook("wh_old", "default", null) with { SealedSecret = before.Seal("wh_old", "whsec_rotated") }, default);
        using var http = new HttpClient();
        var rotated = new WebhookServices(new WebhookOptions(), _store, new WebhookSecrets(new SecretBox(newKey, [oldKey], RandomNumberGenerator.Create())), new CloudVerification(http));
        Assert.Equal(1, await WebhookSecretRotation.CountStaleAsync(rotated, default));

        Assert.Equal((1, 0), await WebhookSecretRotation.ResealAsync(rotated, default));

        Assert.Equal(0, await WebhookSecretRotation.CountStaleAsync(rotated, default));
        var stored = (await _store.FindAsync("default", "", "wh_old", default))!.SealedSecret;
        var newKeyOnly = new WebhookSecrets(new SecretBox(newKey, RandomNumberGenerator.Create()));
        Assert.Equal("whsec_rotated", Encoding.UTF8.GetString(newKeyOnly.Open("wh_old", stored)));
        Assert.Equal((0, 0), await WebhookSecretRotation.ResealAsync(rotated, default));
    }

    private static Webhook Hook(string id, string tenant, string? session) => new(
        id, tenant, session, new Uri("https://receiver.example/hook?x=1"), ["message.*", "session.status"], "c2VhbGVk", WebhookFormat.Cloud,
        new RetryPolicy(7, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30), 0.3, [404, 410]), Now);

    private static DeadLetter Letter(string id, string webhook, string actor, long seq, int? status) =>
        new(id, webhook, actor, seq, Guid.CreateVersion7(), "message.status", status, status is null ? "refused" : null, 3, Now, null);
}

public sealed class SqliteWebhookStoreTests : WebhookStoreContractTests, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sessioncluster-webhook-store-").FullName;

    protected override Task<EdgeDatabase> OpenAsync() => Task.FromResult(EdgeDatabase.Sqlite(Path.Combine(_folder, "edge.db")));

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

[CollectionDefinition(Name)]
public sealed class WebhookPostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "Webhook store on PostgreSQL";
}

[Collection(WebhookPostgresCollection.Name)]
public sealed class PostgresWebhookStoreTests(PostgresServer postgres) : WebhookStoreContractTests
{
    protected override async Task<EdgeDatabase> OpenAsync() => EdgeDatabase.Postgres(await postgres.CreateDatabaseAsync("webhookstore"));
}
