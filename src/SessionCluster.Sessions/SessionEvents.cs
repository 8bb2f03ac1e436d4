using SessionCluster.Sessions.State.Proto;

namespace SessionCluster.Sessions;

/// <summary>A session's lifecycle status.</summary>
public enum SessionStatus
{
    Created = 1,
    Linking = 2,
    Connecting = 3,
    Connected = 4,
    Disconnected = 5,
    LoggedOut = 6,
    Deleted = 7,
}

/// <summary>A domain event's body: what happened.</summary>
public abstract record SessionEventBody;

/// <summary>The session's status changed.</summary>
public sealed record SessionStatusChangedBody(SessionStatus Status) : SessionEventBody;

/// <summary>
/// A domain event the edge publishes: a stable id (a version-7 Guid, time-ordered), the per-session gapless sequence
/// number (1, 2, 3 ... over the session's life, across restarts), when, and what. Stored in the session's own log as
/// <see cref="SessionEventRecord"/>, in the same atomic write as the state change it reports.
/// </summary>
public sealed record SessionEvent(Guid Id, SessionId SessionId, long Sequence, DateTimeOffset At, SessionEventBody Body)
{
    public SessionEventRecord ToRecord() => new()
    {
        EventId = Id.ToString(),
        Sequence = Sequence,
        AtUnixMs = At.ToUnixTimeMilliseconds(),
        StatusChanged = Body switch
        {
            SessionStatusChangedBody status => new SessionStatusChanged { Status = (SessionStatusValue)status.Status },
            _ => throw new ArgumentException($"No stored form for {Body.GetType().Name}.", nameof(Body)),
        },
    };

    public static SessionEvent FromRecord(SessionId sessionId, SessionEventRecord record) => new(
        Guid.Parse(record.EventId),
        sessionId,
        record.Sequence,
        DateTimeOffset.FromUnixTimeMilliseconds(record.AtUnixMs),
        record.BodyCase switch
        {
            SessionEventRecord.BodyOneofCase.StatusChanged => new SessionStatusChangedBody((SessionStatus)record.StatusChanged.Status),
            var other => throw new InvalidOperationException($"Session {sessionId} event {record.Sequence} has no known body ({other})."),
        });
}
