namespace SessionCluster.Actors;

/// <summary>
/// A runtime-made message that travels in the user mailbox (so it is ordered with user messages, not re-entrant and
/// supervised like one) but is not sent by a user: a timer firing, a death-watch notification, or a <c>WatchWith</c>
/// message. It does not count against a bounded mailbox. Sealed, so the mailbox recognises it with one type comparison.
/// </summary>
internal sealed class InternalEnvelope
{
    private InternalEnvelope(object payload, EnvelopeKind kind)
    {
        Payload = payload;
        Kind = kind;
    }

    public object Payload { get; }
    public EnvelopeKind Kind { get; }

    public static InternalEnvelope ForTimer(object timer) => new(timer, EnvelopeKind.Timer);
    public static InternalEnvelope ForTerminated(Terminated terminated) => new(terminated, EnvelopeKind.Terminated);
    public static InternalEnvelope ForWatchMessage(object message) => new(message, EnvelopeKind.WatchMessage);
}

internal enum EnvelopeKind : byte
{
    Timer,
    Terminated,
    WatchMessage,
}
