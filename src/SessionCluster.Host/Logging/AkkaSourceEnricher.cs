using Serilog.Core;
using Serilog.Events;

namespace SessionCluster.Host.Logging;

/// <summary>
/// Akka logs from string sources (remoting, the cluster daemon) under the placeholder type
/// <c>Akka.Event.DummyClassForStringSources</c>; the source that says something is Akka's <c>LogSource</c>, so that
/// becomes the event's <c>SourceContext</c>.
/// </summary>
internal sealed class AkkaSourceEnricher : ILogEventEnricher
{
    private const string Placeholder = "\"Akka.Event.DummyClassForStringSources\"";

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        if (logEvent.Properties.TryGetValue(Constants.SourceContextPropertyName, out var source)
            && source.ToString() == Placeholder
            && logEvent.Properties.TryGetValue("LogSource", out var logSource))
        {
            logEvent.AddOrUpdateProperty(new LogEventProperty(Constants.SourceContextPropertyName, logSource));
        }
    }
}
