namespace SessionCluster.Sessions.Tests.Support;

/// <summary>The tests that hold writes in <see cref="GatedMemoryJournal"/> run one after another (its gate is static).</summary>
[CollectionDefinition(Collection)]
public sealed class GatedJournal
{
    public const string Collection = "gated journal";
}
