namespace SessionCluster.Protocol.AppState;

/// <summary>What a mutation does to its index: <c>SyncdMutation.SyncdOperation</c> (SET = 0, REMOVE = 1).</summary>
public enum AppStateOperation
{
    /// <summary>Adds the record, replacing any record with the same index.</summary>
    Set = 0,

    /// <summary>Removes the record with this index.</summary>
    Remove = 1,
}
