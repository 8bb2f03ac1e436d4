namespace SessionCluster.Actors;

/// <summary>
/// A runtime-made message handled like a user message (on the actor's turn, not re-entrant, supervised) but not sent
/// by a user: a timer firing (queued in the mailbox), a death-watch notification or a <c>WatchWith</c> message (put in
/// front of the mailbox). It does not count against a bounded mailbox. Sealed, so the mailbox recognises it with one type comparison.
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
