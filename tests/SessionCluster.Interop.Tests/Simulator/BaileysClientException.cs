namespace SessionCluster.Interop.Tests.Simulator;

/// <summary>
/// A <see cref="BaileysClient"/> wait failed: it timed out, the connection closed in a way that rules
/// the awaited event out, or the driver process ended. The message names what was awaited and carries
/// the most recent events and the driver's stderr tail (Baileys' own log).
/// </summary>
public sealed class BaileysClientException : Exception
{
    public BaileysClientException(string message, IReadOnlyList<BaileysEvent> recentEvents, string stderrTail, Exception? inner = null)
        : base(Compose(message, recentEvents, stderrTail), inner)
    {
        RecentEvents = recentEvents;
        StderrTail = stderrTail;
    }

    /// <summary>The last events received before the failure, oldest first.</summary>
    public IReadOnlyList<BaileysEvent> RecentEvents { get; }

    /// <summary>The driver's last stderr lines.</summary>
    public string StderrTail { get; }

    private static string Compose(string message, IReadOnlyList<BaileysEvent> recentEvents, string stderrTail)
    {
        var nl = Environment.NewLine;
        var events = recentEvents.Count == 0 ? "(none)" : string.Join(nl, recentEvents);
        var stderr = string.IsNullOrEmpty(stderrTail) ? "(empty)" : stderrTail;
        return $"{message}{nl}--- last driver events ---{nl}{events}{nl}--- last driver stderr lines ---{nl}{stderr}";
    }
}
