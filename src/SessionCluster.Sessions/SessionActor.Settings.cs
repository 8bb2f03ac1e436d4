using Akka.Actor;
using SessionCluster.Sessions.Flows;
using SessionCluster.Sessions.State.Proto;
using static SessionCluster.Sessions.SessionCommands;

namespace SessionCluster.Sessions;

/// <summary>
/// The session's settings (<see cref="SessionSettings"/>): changed by <see cref="UpdateSettings"/>, durable as a
/// <see cref="SettingsChangedBody"/> event before the answer, recovered from the last such event (none: the defaults),
/// and read where they apply — presence at login, read receipts and ignored chats when storing inbound messages
/// (<c>SessionActor.Receive.cs</c>), calls (<c>SessionActor.Calls.cs</c>), and the send pacing here, taken before each
/// queued send goes out (<see cref="MaySendNow"/>).
/// </summary>
public sealed partial class SessionActor
{
    // The settings from the last SettingsChangedBody; null: never changed (the defaults).
    private SessionSettings? _settings;
    private SendBucket? _sendBucket;

    private SessionSettings Settings => _settings ?? SessionSettings.Defaults(_options?.OnlineOnConnect ?? false);

    /// <summary>The pacing in force: the session's own, else the node's (null: not paced).</summary>
    private SendRate? PacedAt => Settings.SendRate ?? _dependencies.Messaging.DefaultSendRate;

    private void ReceiveSettings()
    {
        Command<UpdateSettings>(OnUpdateSettings);
        Command<SendDue>(_ => TrySendNext());
    }

    private void ApplySettingsEvent(SessionEventRecord record)
    {
        if (record.BodyCase == SessionEventRecord.BodyOneofCase.SettingsChanged)
        {
            _settings = SessionSettings.FromRecord(record.SettingsChanged);
        }
    }

    private void OnUpdateSettings(UpdateSettings command)
    {
        if (MissingOrDeleted() is { } answer)
        {
            Sender.Tell(answer);
            return;
        }

        if ((command.Patch is null ? "the patch is missing" : command.Patch.Validate()) is { } problem)
        {
            Sender.Tell(new SettingsRefused(_id, problem));
            return;
        }

        var before = Settings;
        var after = before.With(command.Patch!);
        var replyTo = Sender;
        PersistEvents([new SettingsChangedBody(after)], () =>
        {
            CapabilitiesLog.SettingsUpdated(
                _logger, _id.Value, after.MarkOnline, after.ReadReceipts, after.RejectCalls,
                $"groups {after.Ignore.Groups}, status {after.Ignore.Status}, broadcasts {after.Ignore.Broadcasts}",
                after.SendRate is { } rate ? $"{rate.PerSecond}/s burst {rate.Burst}" : "the node's");
            if (after.MarkOnline != before.MarkOnline && _phase == LinkPhase.Online)
            {
                // In force at once: online now, or offline now (the phone gets its notifications again).
                SendOnline(after.MarkOnline ? PresenceState.Available : PresenceState.Unavailable);
            }

            replyTo.Tell(new SettingsUpdated(_id, after));
            // Another rate may let a waiting send go now (or later: the wait is taken again).
            TrySendNext();
        });
    }

    /// <summary>
    /// Whether the next queued send may go on the wire now under the pacing in force; if not, a <see cref="SendDue"/>
    /// timer brings the session back when the next token is there (the send stays queued, durable, meanwhile).
    /// </summary>
    private bool MaySendNow()
    {
        if (PacedAt is not { } rate)
        {
            return true;
        }

        var now = _dependencies.Clock.GetUtcNow();
        var (bucket, wait) = (_sendBucket ?? SendBucket.Full(rate, now)).Take(rate, now);
        _sendBucket = bucket;
        if (wait <= TimeSpan.Zero)
        {
            return true;
        }

        CapabilitiesLog.SendPaced(_logger, _id.Value, wait);
        Timers.StartSingleTimer(SendDue.Instance, SendDue.Instance, wait);
        return false;
    }

    /// <summary>The send pacing has a token again (a timer message to self).</summary>
    private sealed record SendDue
    {
        public static SendDue Instance { get; } = new();
    }
}
