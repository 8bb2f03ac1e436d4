using System.Data.Common;
using System.Text.Json;
using SessionCluster.Edge.Store;

namespace SessionCluster.Edge.Webhooks;

/// <summary>
/// The webhook tables (migration 0002-webhooks): webhooks, one cursor per (webhook, session) and dead letters. Every
/// read and change a route makes names the tenant and the scope (<c>""</c> for tenant-wide webhooks, else the session's
/// actor id), so a webhook of another tenant or another session is simply not found.
/// </summary>
public sealed class WebhookStore(EdgeDatabase database)
{
    private const string Columns = "id, tenant_id, session_actor, url, events, secret, format, policy, created_at";
    private const string DeadLetterColumns = "id, webhook_id, session_actor, seq, event_id, event_type, last_status, last_error, attempts, dead_at, replay_requested";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task CreateAsync(Webhook webhook, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            $"INSERT INTO webhooks ({Columns}) VALUES (@id, @tenant, @session, @url, @events, @secret, @format, @policy, @at)", cancellationToken,
            ("id", webhook.Id), ("tenant", webhook.TenantId), ("session", webhook.SessionActor), ("url", webhook.Url.AbsoluteUri),
            ("events", JsonSerializer.Serialize(webhook.Events, Json)), ("secret", webhook.SealedSecret), ("format", FormatName(webhook.Format)),
            ("policy", JsonSerializer.Serialize(StoredPolicy.From(webhook.Policy), Json)), ("at", webhook.CreatedAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
    }

    /// <param name="scope">"" for the tenant's tenant-wide webhooks, else the session's actor id.</param>
    public async Task<IReadOnlyList<Webhook>> ListAsync(string tenantId, string scope, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QueryAsync($"SELECT {Columns} FROM webhooks WHERE tenant_id = @tenant AND COALESCE(session_actor, '') = @scope ORDER BY id",
            Read, cancellationToken, ("tenant", tenantId), ("scope", scope)).ConfigureAwait(false);
    }

    public async Task<Webhook?> FindAsync(string tenantId, string scope, string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleAsync($"SELECT {Columns} FROM webhooks WHERE tenant_id = @tenant AND COALESCE(session_actor, '') = @scope AND id = @id",
            Read, cancellationToken, ("tenant", tenantId), ("scope", scope), ("id", id)).ConfigureAwait(false);
    }

    /// <summary>Deletes the webhook with its cursors and dead letters; false when the scope has no such webhook.</summary>
    public async Task<bool> DeleteAsync(string tenantId, string scope, string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync("DELETE FROM webhooks WHERE tenant_id = @tenant AND COALESCE(session_actor, '') = @scope AND id = @id",
            cancellationToken, ("tenant", tenantId), ("scope", scope), ("id", id)).ConfigureAwait(false) == 1;
    }

    /// <summary>Every webhook of every tenant: what the delivery worker runs.</summary>
    public async Task<IReadOnlyList<Webhook>> AllAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QueryAsync($"SELECT {Columns} FROM webhooks ORDER BY id", Read, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Replaces a webhook's sealed secret if it is still <paramref name="expected"/> (another node may have moved it
    /// first, or the webhook been deleted); true when this call changed it.
    /// </summary>
    public async Task<bool> ReplaceSecretAsync(string id, string expected, string replacement, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync("UPDATE webhooks SET secret = @replacement WHERE id = @id AND secret = @expected",
            cancellationToken, ("id", id), ("expected", expected), ("replacement", replacement)).ConfigureAwait(false) == 1;
    }

    /// <summary>
    /// Gives the webhook a new sealed secret (a rotation by its owner); false when the scope has no such webhook. Whatever
    /// the re-sealing sweep (<see cref="ReplaceSecretAsync"/>) does at the same time, the rotation's secret stays: the
    /// sweep's update is conditional on the secret it read.
    /// </summary>
    public async Task<bool> RotateSecretAsync(string tenantId, string scope, string id, string sealedSecret, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync("UPDATE webhooks SET secret = @secret WHERE tenant_id = @tenant AND COALESCE(session_actor, '') = @scope AND id = @id",
            cancellationToken, ("tenant", tenantId), ("scope", scope), ("id", id), ("secret", sealedSecret)).ConfigureAwait(false) == 1;
    }

    /// <summary>The last seq done for the pair (acknowledged, dead-lettered or filtered out); 0 when none is.</summary>
    public async Task<long> CursorAsync(string webhookId, string sessionActor, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QuerySingleAsync("SELECT acked_seq FROM webhook_cursors WHERE webhook_id = @webhook AND session_actor = @session",
            r => r.GetInt64(0), cancellationToken, ("webhook", webhookId), ("session", sessionActor)).ConfigureAwait(false);
    }

    /// <summary>Moves each pair's cursor to its seq, in one transaction (never back: a late writer cannot undo a later ack).</summary>
    public async Task AdvanceManyAsync(IReadOnlyList<(string WebhookId, string SessionActor, long Seq, DateTimeOffset At)> moves, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (webhookId, sessionActor, seq, at) in moves)
        {
            await using var command = connection.Command(
                "INSERT INTO webhook_cursors (webhook_id, session_actor, acked_seq, updated_at) VALUES (@webhook, @session, @seq, @at) " +
                "ON CONFLICT (webhook_id, session_actor) DO UPDATE SET acked_seq = excluded.acked_seq, updated_at = excluded.updated_at WHERE webhook_cursors.acked_seq < excluded.acked_seq",
                ("webhook", webhookId), ("session", sessionActor), ("seq", seq), ("at", at.ToUnixTimeMilliseconds()));
            command.Transaction = transaction;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The webhook's cursors with the tenant's names of their sessions (null once deleted), by session name.</summary>
    public async Task<IReadOnlyList<(string? Session, long AckedSeq, DateTimeOffset UpdatedAt)>> CursorsAsync(string webhookId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QueryAsync(
            "SELECT s.id, c.acked_seq, c.updated_at FROM webhook_cursors c LEFT JOIN sessions s ON s.actor_id = c.session_actor " +
            "WHERE c.webhook_id = @webhook ORDER BY s.id",
            r => (r.NullableString(0), r.GetInt64(1), r.UnixMs(2)), cancellationToken, ("webhook", webhookId)).ConfigureAwait(false);
    }

    /// <summary>Records (or, for an event dead again after a replay, refreshes) a dead letter.</summary>
    public async Task DeadLetterAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(
            $"INSERT INTO webhook_dead_letters ({DeadLetterColumns}) VALUES (@id, @webhook, @session, @seq, @event, @type, @status, @error, @attempts, @at, NULL) " +
            "ON CONFLICT (webhook_id, session_actor, seq) DO UPDATE SET last_status = excluded.last_status, last_error = excluded.last_error, " +
            "attempts = excluded.attempts, dead_at = excluded.dead_at, replay_requested = NULL",
            cancellationToken, ("id", letter.Id), ("webhook", letter.WebhookId), ("session", letter.SessionActor), ("seq", letter.Seq),
            ("event", letter.EventId.ToString()), ("type", letter.EventType), ("status", (long?)letter.LastStatus), ("error", letter.LastError),
            ("attempts", (long)letter.Attempts), ("at", letter.DeadAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
    }

    /// <summary>A webhook's first <paramref name="limit"/> dead letters, oldest first, with the tenant's names of their sessions (null once deleted).</summary>
    public async Task<IReadOnlyList<(DeadLetter Letter, string? Session)>> DeadLettersAsync(string webhookId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QueryAsync(
            $"SELECT {Prefixed("d.", DeadLetterColumns)}, s.id FROM webhook_dead_letters d LEFT JOIN sessions s ON s.actor_id = d.session_actor " +
            "WHERE d.webhook_id = @webhook ORDER BY d.dead_at, d.id LIMIT @limit",
            r => (ReadDeadLetter(r), r.NullableString(11)), cancellationToken, ("webhook", webhookId), ("limit", (long)limit)).ConfigureAwait(false);
    }

    /// <summary>Asks for the webhook's dead letters (all, or the one named) to be sent again; how many were asked.</summary>
    public async Task<int> RequestReplayAsync(string webhookId, string? deadLetterId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return deadLetterId is null
            ? await connection.ExecuteAsync("UPDATE webhook_dead_letters SET replay_requested = @at WHERE webhook_id = @webhook", cancellationToken,
                ("at", at.ToUnixTimeMilliseconds()), ("webhook", webhookId)).ConfigureAwait(false)
            : await connection.ExecuteAsync("UPDATE webhook_dead_letters SET replay_requested = @at WHERE webhook_id = @webhook AND id = @id", cancellationToken,
                ("at", at.ToUnixTimeMilliseconds()), ("webhook", webhookId), ("id", deadLetterId)).ConfigureAwait(false);
    }

    /// <summary>Dead letters whose replay was asked, oldest event first per webhook and session.</summary>
    public async Task<IReadOnlyList<DeadLetter>> PendingReplaysAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.QueryAsync(
            $"SELECT {DeadLetterColumns} FROM webhook_dead_letters WHERE replay_requested IS NOT NULL ORDER BY webhook_id, session_actor, seq LIMIT @limit",
            ReadDeadLetter, cancellationToken, ("limit", (long)limit)).ConfigureAwait(false);
    }

    /// <summary>The replayed event was acknowledged: the dead letter is gone.</summary>
    public async Task RemoveDeadLetterAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("DELETE FROM webhook_dead_letters WHERE id = @id", cancellationToken, ("id", id)).ConfigureAwait(false);
    }

    /// <summary>Forgets a deleted session: its session-scoped webhooks, and its cursors and dead letters in every webhook.</summary>
    public async Task ForgetSessionAsync(string sessionActor, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("DELETE FROM webhooks WHERE session_actor = @session", cancellationToken, ("session", sessionActor)).ConfigureAwait(false);
        await connection.ExecuteAsync("DELETE FROM webhook_cursors WHERE session_actor = @session", cancellationToken, ("session", sessionActor)).ConfigureAwait(false);
        await connection.ExecuteAsync("DELETE FROM webhook_dead_letters WHERE session_actor = @session", cancellationToken, ("session", sessionActor)).ConfigureAwait(false);
    }

    private static string FormatName(WebhookFormat format) => format == WebhookFormat.Cloud ? "cloud" : "event";

    private static string Prefixed(string prefix, string columns) => string.Join(", ", columns.Split(", ").Select(c => prefix + c));

    private static Webhook Read(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.NullableString(2), new Uri(r.GetString(3)),
        JsonSerializer.Deserialize<string[]>(r.GetString(4), Json) ?? [], r.GetString(5),
        r.GetString(6) == "cloud" ? WebhookFormat.Cloud : WebhookFormat.Event,
        (JsonSerializer.Deserialize<StoredPolicy>(r.GetString(7), Json) ?? throw new InvalidDataException($"Webhook {r.GetString(0)} has no policy.")).ToPolicy(),
        r.UnixMs(8));

    private static DeadLetter ReadDeadLetter(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), Guid.Parse(r.GetString(4)), r.GetString(5),
        r.NullableInt64(6) is { } status ? (int)status : null, r.NullableString(7), (int)r.GetInt64(8), r.UnixMs(9), r.NullableUnixMs(10));

    /// <summary>The policy column's JSON: delays in milliseconds.</summary>
    private sealed record StoredPolicy(int Attempts, long InitialDelayMs, long MaxDelayMs, double Jitter, int[] NonRetryable)
    {
        public static StoredPolicy From(RetryPolicy p) =>
            new(p.Attempts, (long)p.InitialDelay.TotalMilliseconds, (long)p.MaxDelay.TotalMilliseconds, p.Jitter, [.. p.NonRetryable]);

        public RetryPolicy ToPolicy() =>
            new(Attempts, TimeSpan.FromMilliseconds(InitialDelayMs), TimeSpan.FromMilliseconds(MaxDelayMs), Jitter, NonRetryable);
    }
}
