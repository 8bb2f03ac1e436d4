namespace SessionCluster.Protocol.AppState;

/// <summary>The five app-state collections of an account (docs/PROTOCOL.md §14 "Collections").</summary>
public static class AppStateCollections
{
    /// <summary>Push name and other account-critical settings.</summary>
    public const string CriticalBlock = "critical_block";

    /// <summary>Contacts (<c>["contact", jid]</c>).</summary>
    public const string CriticalUnblockLow = "critical_unblock_low";

    /// <summary>Mute, clear chat, delete chat, delete-for-me.</summary>
    public const string RegularHigh = "regular_high";

    /// <summary>Labels, quick replies, link-preview privacy.</summary>
    public const string Regular = "regular";

    /// <summary>Archive, pin, mark read, star.</summary>
    public const string RegularLow = "regular_low";

    /// <summary>All five, in the order clients fetch them.</summary>
    public static IReadOnlyList<string> All { get; } = [CriticalBlock, CriticalUnblockLow, RegularHigh, Regular, RegularLow];

    /// <summary>Whether <paramref name="name"/> is one of the five.</summary>
    public static bool IsKnown(string name) => All.Contains(name, StringComparer.Ordinal);
}
