using System.Diagnostics.CodeAnalysis;
using SessionCluster.Sessions;

namespace SessionCluster.Edge;

/// <summary>
/// The session ids the API accepts: what <see cref="SessionId"/> allows (1 to 64 of <c>[A-Za-z0-9._-]</c>), starting
/// with a letter or digit so that <c>.</c> and <c>..</c> never reach a URL path, where clients and proxies rewrite them.
/// </summary>
internal static class SessionIds
{
    public const string Rule = "1 to 64 characters from [A-Za-z0-9._-], starting with a letter or digit";

    public static bool TryParse(string? value, [NotNullWhen(true)] out SessionId? id)
    {
        id = SessionId.IsValid(value) && char.IsAsciiLetterOrDigit(value![0]) ? new SessionId(value) : null;
        return id is not null;
    }

    /// <summary>A new id for a session created without one: time-ordered, so a list by id is a list by age.</summary>
    public static SessionId New() => new("s-" + Guid.CreateVersion7().ToString("N"));
}
