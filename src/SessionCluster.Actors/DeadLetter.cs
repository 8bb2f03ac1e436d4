namespace SessionCluster.Actors;

/// <summary>A message that could not be delivered, its intended recipient and why (see <see cref="DeadLetterReason"/>).</summary>
public sealed record DeadLetter(object Message, IActorRef? Recipient, string Reason);

/// <summary>The reasons the runtime gives in <see cref="DeadLetter.Reason"/>.</summary>
public static class DeadLetterReason
{
    /// <summary>The recipient had already terminated.</summary>
    public const string RecipientTerminated = "RecipientTerminated";
    /// <summary>The message was still in the mailbox (or stash) when the actor stopped.</summary>
    public const string LeftInMailbox = "LeftInMailbox";
    /// <summary>A bounded mailbox was full.</summary>
    public const string MailboxFull = "MailboxFull";
    /// <summary>A reply reached an ask that had already completed (timed out or cancelled).</summary>
    public const string AskAlreadyCompleted = "AskAlreadyCompleted";
}
