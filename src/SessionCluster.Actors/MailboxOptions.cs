namespace SessionCluster.Actors;

/// <summary>The kind of mailbox an actor gets. <see cref="Unbounded"/> is the default.</summary>
public abstract record MailboxOptions
{
    private protected MailboxOptions() { }

    /// <summary>A mailbox without a limit. The default.</summary>
    public static MailboxOptions Unbounded { get; } = new UnboundedMailboxOptions();

    /// <summary>A mailbox holding at most <paramref name="capacity"/> user messages: <c>Tell</c> when full makes a dead letter
    /// (reason <see cref="DeadLetterReason.MailboxFull"/>), <c>TryTell</c> returns false, <c>TellAsync</c> waits for room.
    /// System messages, timer messages and Terminated notifications are not counted.</summary>
    public static MailboxOptions Bounded(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        return new BoundedMailboxOptions(capacity);
    }
}

/// <summary>See <see cref="MailboxOptions.Unbounded"/>.</summary>
public sealed record UnboundedMailboxOptions : MailboxOptions;

/// <summary>See <see cref="MailboxOptions.Bounded"/>.</summary>
public sealed record BoundedMailboxOptions(int Capacity) : MailboxOptions;
