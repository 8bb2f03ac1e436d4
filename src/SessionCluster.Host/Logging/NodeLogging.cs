using Serilog;
using Serilog.Formatting;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;
using SessionCluster.Host.Options;

namespace SessionCluster.Host.Logging;

/// <summary>
/// Serilog for the host and for Akka. Levels come from the <c>Serilog</c> configuration section (appsettings.json,
/// <c>Serilog__MinimumLevel__Default</c>); the console format from <see cref="NodeOptions.LogFormat"/>.
/// </summary>
internal static class NodeLogging
{
    private const string TextTemplate = "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    public static Serilog.ILogger Create(IConfiguration configuration, NodeOptions node)
    {
        var logger = new LoggerConfiguration()
            .ReadFrom.Configuration(configuration)
            .Enrich.FromLogContext()
            .Enrich.With<AkkaSourceEnricher>();
        ITextFormatter format = string.Equals(node.LogFormat, "json", StringComparison.OrdinalIgnoreCase)
            ? new RenderedCompactJsonFormatter()
            : new MessageTemplateTextFormatter(TextTemplate, System.Globalization.CultureInfo.InvariantCulture);
        return logger.WriteTo.Console(new SecretRedactingFormatter(format)).CreateLogger();
    }

    /// <summary>For the one line written when the configuration is refused, before any options are known.</summary>
    public static Serilog.Core.Logger CreateBootstrap() =>
        new LoggerConfiguration().WriteTo.Console(new SecretRedactingFormatter(new MessageTemplateTextFormatter(TextTemplate, System.Globalization.CultureInfo.InvariantCulture))).CreateLogger();
}
