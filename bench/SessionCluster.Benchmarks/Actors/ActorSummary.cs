namespace SessionCluster.Benchmarks.Actors;

internal static class ActorSummary
{
    public const string Option = "--actors-summary";

    public static int Run(string[] args) => 0;
}
