namespace SessionCluster.Sessions.Flows;

/// <summary>How often a message is asked for again, or sent again, before it is given up (docs/PROTOCOL.md §10).</summary>
public static class Retries
{
    /// <summary>At most this many retry receipts per message (whatsmeow stops at 5, Baileys' maxMsgRetryCount is 5; seed 004).</summary>
    public const int MaxRetries = 5;

    /// <summary>From this retry on the receipt carries our keys, and the sender rebuilds its session from them (§10).</summary>
    public const int KeysFrom = 2;
}
