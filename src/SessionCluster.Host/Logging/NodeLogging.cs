using Serilog;
using Serilog.Formatting.Compact;
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
            .Enrich.FromLogContext();
        logger = string.Equals(node.LogFormat, "json", StringComparison.OrdinalIgnoreCase)
            ? logger.WriteTo.Console(new RenderedCompactJsonFormatter())
            : logger.WriteTo.Console(outputTemplate: TextTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        return logger.CreateLogger();
    }

    /// <summary>For the one line written when the configuration is refused, before any options are known.</summary>
    public static Serilog.ILogger CreateBootstrap() =>
        new LoggerConfiguration().WriteTo.Console(outputTemplate: TextTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture).CreateLogger();
}
