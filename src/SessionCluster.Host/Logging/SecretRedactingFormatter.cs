using System.Text.RegularExpressions;
using Serilog.Events;
using Serilog.Formatting;

namespace SessionCluster.Host.Logging;

/// <summary>
/// The last guard before the console: replaces the value of every <c>Password=</c> (and <c>Pwd=</c>) it finds in a
/// formatted log event with <c>***</c>. The node never logs a connection string itself, but libraries do: an
/// Akka.Persistence plugin that fails to start logs its whole HOCON section, connection string included.
/// </summary>
internal sealed partial class SecretRedactingFormatter(ITextFormatter inner) : ITextFormatter
{
    public const string Mask = "***";

    public void Format(LogEvent logEvent, TextWriter output)
    {
        using var buffer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        inner.Format(logEvent, buffer);
        output.Write(Redact(buffer.ToString()));
    }

    /// <summary><c>Host=db;Password=s3cret;Database=x</c> becomes <c>Host=db;Password=***;Database=x</c>.</summary>
    public static string Redact(string text) => Secret().Replace(text, match => $"{match.Groups["key"].Value}{Mask}");

    [GeneratedRegex("""(?<key>\b(?:password|pwd)\s*=\s*)(?:\\?"[^"\\]*\\?"|'[^']*'|[^;"'\s]*)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Secret();
}
