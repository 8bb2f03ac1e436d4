using SessionCluster.Sessions.State.Proto;

namespace SessionCluster.Sessions;

/// <summary>
/// How a session behaves, changed by <see cref="SessionCommands.UpdateSettings"/> without a restart and stored in the
/// session's log (a <see cref="SettingsChangedBody"/> event). A session that never changed them has
/// <see cref="Defaults"/>: online on connect as its <see cref="SessionOptions.OnlineOnConnect"/> said, nothing else
/// automatic, nothing ignored, and the node's send pacing. docs/SESSIONS.md "Settings" gives each default's reason.
/// </summary>
/// <param name="MarkOnline">Send <c>&lt;presence type="available"&gt;</c> when the session connects (and at once when
/// turned on while connected).</param>
/// <param name="ReadReceipts">Send a read receipt for each inbound message once its event is stored.</param>
/// <param name="RejectCalls">Answer each incoming call offer with a reject.</param>
/// <param name="Ignore">Inbound messages acknowledged to the server but not stored as events.</param>
/// <param name="SendRate">This session's send pacing; null = the node's (<see cref="Flows.MessagingSettings.DefaultSendRate"/>).</param>
public sealed record SessionSettings(bool MarkOnline, bool ReadReceipts, bool RejectCalls, IgnoreSettings Ignore, SendRate? SendRate)
{
    /// <summary>The settings of a session that never changed them.</summary>
    public static SessionSettings Defaults(bool markOnline) => new(markOnline, ReadReceipts: false, RejectCalls: false, IgnoreSettings.None, SendRate: null);

    /// <summary>These settings with what <paramref name="patch"/> names changed (the patch is valid: <see cref="SessionSettingsPatch.Validate"/>).</summary>
    public SessionSettings With(SessionSettingsPatch patch)
    {
        ArgumentNullException.ThrowIfNull(patch);
        return new SessionSettings(
            patch.MarkOnline ?? MarkOnline,
            patch.ReadReceipts ?? ReadReceipts,
            patch.RejectCalls ?? RejectCalls,
            new IgnoreSettings(patch.Ignore?.Groups ?? Ignore.Groups, patch.Ignore?.Status ?? Ignore.Status, patch.Ignore?.Broadcasts ?? Ignore.Broadcasts),
            patch.SendRate ?? SendRate);
    }

    internal SessionSettingsRecord ToRecord()
    {
        var record = new SessionSettingsRecord
        {
            MarkOnline = MarkOnline,
            ReadReceipts = ReadReceipts,
            RejectCalls = RejectCalls,
            IgnoreGroups = Ignore.Groups,
            IgnoreStatus = Ignore.Status,
            IgnoreBroadcasts = Ignore.Broadcasts,
        };
        if (SendRate is { } rate)
        {
            record.SendRatePerSecond = rate.PerSecond;
            record.SendRateBurst = (uint)rate.Burst;
        }

        return record;
    }

    internal static SessionSettings FromRecord(SessionSettingsRecord record) => new(
        record.MarkOnline,
        record.ReadReceipts,
        record.RejectCalls,
        new IgnoreSettings(record.IgnoreGroups, record.IgnoreStatus, record.IgnoreBroadcasts),
        record.HasSendRatePerSecond && record.HasSendRateBurst ? new SendRate(record.SendRatePerSecond, (int)record.SendRateBurst) : null);
}

/// <summary>
/// Inbound messages the session acknowledges to the server (so they are not redelivered) but does not store as
/// <see cref="MessageReceivedBody"/> events: from groups (<c>@g.us</c>), status updates (<c>status@broadcast</c>),
/// broadcast lists (other <c>@broadcast</c> chats). They are still decrypted, so the Signal sessions stay in step.
/// </summary>
public sealed record IgnoreSettings(bool Groups, bool Status, bool Broadcasts)
{
    public static IgnoreSettings None { get; } = new(false, false, false);

    /// <summary>Whether a message in <paramref name="chat"/> (a jid string) is ignored.</summary>
    public bool Ignores(string chat) =>
        chat == "status@broadcast" ? Status
        : chat.EndsWith("@broadcast", StringComparison.Ordinal) ? Broadcasts
        : chat.EndsWith("@g.us", StringComparison.Ordinal) && Groups;
}

/// <summary>
/// Send pacing, a token bucket: up to <paramref name="Burst"/> messages go out back to back, then one every
/// 1 / <paramref name="PerSecond"/> seconds. Messages over the rate wait in the session's durable queue; none is refused.
/// </summary>
public sealed record SendRate(double PerSecond, int Burst)
{
    public const double MaxPerSecond = 50;

    public const int MaxBurst = 100;

    /// <summary>Why this rate is not acceptable, or null: <c>PerSecond</c> in (0, 50], <c>Burst</c> in [1, 100].</summary>
    public string? Problem() =>
        !(PerSecond > 0 && PerSecond <= MaxPerSecond) ? $"sendRate.perSecond must be more than 0 and at most {MaxPerSecond}"
        : Burst is < 1 or > MaxBurst ? $"sendRate.burst must be 1 to {MaxBurst}"
        : null;
}

/// <summary>What <see cref="SessionCommands.UpdateSettings"/> changes: each null leaves that setting as it is.</summary>
public sealed record SessionSettingsPatch
{
    public bool? MarkOnline { get; init; }

    public bool? ReadReceipts { get; init; }

    public bool? RejectCalls { get; init; }

    public IgnorePatch? Ignore { get; init; }

    /// <summary>A new pacing for this session (validated: <see cref="SendRate.Problem"/>).</summary>
    public SendRate? SendRate { get; init; }

    /// <summary>Why this patch is not acceptable, or null.</summary>
    public string? Validate() => SendRate?.Problem();
}

/// <summary>The part of a <see cref="SessionSettingsPatch"/> about ignored chats; each null leaves that one as it is.</summary>
public sealed record IgnorePatch(bool? Groups = null, bool? Status = null, bool? Broadcasts = null);
