using SessionCluster.Protocol;

namespace SessionCluster.Cli;

/// <summary>Why a command failed; each maps to one exit code (<see cref="ScctlException.ExitCode"/>).</summary>
public enum ScctlFailure
{
    /// <summary>The node answered 5xx or something unreadable.</summary>
    ServerError,

    /// <summary>The command line (or the request it made) is wrong.</summary>
    Usage,

    /// <summary>404.</summary>
    NotFound,

    /// <summary>401 or 403.</summary>
    Unauthorized,

    /// <summary>No connection, or no answer in time.</summary>
    Unreachable,

    /// <summary>409 or 422.</summary>
    Conflict,
}

/// <summary>
/// A command's failure: what went wrong, the node's HTTP status and problem <c>code</c> when it answered, and the
/// detail to print.
/// </summary>
public sealed class ScctlException(ScctlFailure failure, string detail, int? status = null, string? code = null, Exception? inner = null)
    : ProtocolFailureException<ScctlFailure>(failure, detail, inner)
{
    /// <summary>The detail alone (the message carries the failure's name in front).</summary>
    public string Detail { get; } = detail;

    /// <summary>The node's HTTP status, when it answered.</summary>
    public int? Status => status;

    /// <summary>The node's problem <c>code</c> (<c>session_not_found</c>, …), when it sent one.</summary>
    public string? Code => code;

    /// <summary>The exit code for <see cref="ProtocolFailureException{TFailure}.Failure"/>.</summary>
    public int ExitCode => Failure switch
    {
        ScctlFailure.Usage => ExitCodes.Usage,
        ScctlFailure.NotFound => ExitCodes.NotFound,
        ScctlFailure.Unauthorized => ExitCodes.Unauthorized,
        ScctlFailure.Unreachable => ExitCodes.Unreachable,
        ScctlFailure.Conflict => ExitCodes.Conflict,
        _ => ExitCodes.Failed,
    };

    /// <summary>The failure an HTTP status stands for.</summary>
    public static ScctlFailure ForStatus(int status) => status switch
    {
        400 => ScctlFailure.Usage,
        401 or 403 => ScctlFailure.Unauthorized,
        404 or 410 => ScctlFailure.NotFound,
        409 or 422 => ScctlFailure.Conflict,
        _ => ScctlFailure.ServerError,
    };
}
