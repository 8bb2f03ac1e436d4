namespace SessionCluster.Cli;

/// <summary>
/// scctl's exit codes, the contract a script relies on (docs/CLI.md "Exit codes"); never renumbered.
/// </summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>The node failed (a 5xx, an answer scctl cannot read) or something unexpected happened.</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong (unknown verb or option, a missing argument, no admin key), or the node refused the request as invalid (400).</summary>
    public const int Usage = 2;

    /// <summary>What the command names does not exist (404: a session, a member, a shard, a webhook, a dead letter).</summary>
    public const int NotFound = 3;

    /// <summary>The key is missing, wrong, or not the admin key (401, 403).</summary>
    public const int Unauthorized = 4;

    /// <summary>The node could not be reached (connection refused, DNS, a timeout).</summary>
    public const int Unreachable = 5;

    /// <summary>The node refused in its current state (409, 422: a move refused, a session not linked).</summary>
    public const int Conflict = 6;
}
