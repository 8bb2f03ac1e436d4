using SessionCluster.Sessions;

namespace SessionCluster.Edge.Events;

/// <summary>
/// One event as the API shows it: its id (stable, a version-7 UUID), its per-session gapless <c>seq</c>, its type
/// (docs/API.md "Event types") and its payload. Payloads carry what the user needs (the QR text, a message's text)
/// and never a key.
/// </summary>
public sealed record EventView(string Session, long Seq, Guid Id, string Type, DateTimeOffset At, object Payload)
{
    /// <param name="session">The tenant's id for the session (events never show actor ids).</param>
    public static EventView From(string session, SessionEvent e)
    {
        var (type, payload) = Describe(e.Body);
        return new EventView(session, e.Sequence, e.Id, type, e.At, payload);
    }

    /// <summary>The API's name for an event's type (docs/API.md "Event types"), for filters.</summary>
    public static string TypeOf(SessionEventBody body) => Describe(body).Type;

    private static (string Type, object Payload) Describe(SessionEventBody body) => body switch
    {
        SessionStatusChangedBody status => ("session.status", new StatusPayload(SessionView.StatusName(status.Status))),
        QrCodeBody qr => ("session.qr", new QrPayload(qr.Qr, qr.ExpiresAt)),
        PairingCodeBody code => ("session.pairing_code", new PairingCodePayload(code.Code, code.ExpiresAt)),
        LinkFailedBody failed => ("session.link_failed", new ReasonPayload(failed.Reason.ToString())),
        DisconnectedBody disconnected => ("session.disconnected", new DisconnectedPayload(disconnected.Reason.ToString(), disconnected.Detail,
            disconnected.ReconnectIn is { } after ? (long)after.TotalMilliseconds : null)),
        LoggedOutBody loggedOut => ("session.logged_out", new ReasonPayload(loggedOut.Reason.ToString())),
        MessageReceivedBody received => ("message.received", new ReceivedPayload(
            received.MessageId, received.Chat, received.ChatAlt, received.Sender, received.SenderAlt, received.SenderDevice, received.PushName,
            received.FromMe, received.Offline, received.Text is null ? "other" : "text", received.Text, received.Timestamp)),
        MessageStatusBody status => ("message.status", new MessageStatusPayload(status.MessageId, status.Chat, status.Status.ToString().ToLowerInvariant(), status.Device, status.Reason)),
        UndecryptableBody undecryptable => ("message.undecryptable", new UndecryptablePayload(
            undecryptable.MessageId, undecryptable.Chat, undecryptable.SenderDevice, undecryptable.RetryCount, undecryptable.Reason)),
        SettingsChangedBody settings => ("session.settings", settings.Settings),
        ContactIdentityChangedBody identity => ("contact.identity_changed", new IdentityChangedPayload(identity.Jid, identity.Source.ToString().ToLowerInvariant())),
        var other => throw new InvalidOperationException($"No API event type for {other.GetType().Name}."),
    };

    public sealed record StatusPayload(string Status);

    public sealed record QrPayload(string Qr, DateTimeOffset ExpiresAt);

    public sealed record PairingCodePayload(string Code, DateTimeOffset ExpiresAt);

    public sealed record ReasonPayload(string Reason);

    public sealed record DisconnectedPayload(string Reason, string Detail, long? ReconnectInMs);

    public sealed record ReceivedPayload(
        string Id, string Chat, string? ChatAlt, string Sender, string? SenderAlt, string SenderDevice, string? PushName,
        bool FromMe, bool Offline, string Type, string? Text, DateTimeOffset At);

    public sealed record MessageStatusPayload(string Id, string Chat, string Status, string? Device, string? Reason);

    public sealed record UndecryptablePayload(string Id, string Chat, string Sender, int RetryCount, string Reason);

    public sealed record IdentityChangedPayload(string Jid, string Source);
}
