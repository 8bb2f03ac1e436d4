using SessionCluster.Host.Options;

namespace SessionCluster.Host.Health;

/// <summary>
/// <c>SessionCluster.Host probe [live|ready|URL]</c>: GETs this node's own <c>/health/live</c> (the default) or
/// <c>/health/ready</c> and exits 0 on a 2xx answer, 1 on anything else (another status, a refused connection, no answer
/// within <see cref="Timeout"/>). The container image's <c>HEALTHCHECK</c> runs it, because the ASP.NET runtime image
/// has no curl or wget. It builds no ActorSystem and binds nothing: it reads <c>SC:Node:HttpUrl</c> as the node does
/// (appsettings.json beside the executable, then <c>SC__Node__HttpUrl</c>), and a wildcard host there (0.0.0.0, [::],
/// +, *) is asked on loopback.
/// </summary>
internal static class NodeProbe
{
    public const string Command = "probe";

    /// <summary>Exit code for a healthy answer; Docker's HEALTHCHECK reads 0 as healthy and 1 as unhealthy.</summary>
    public const int HealthyExitCode = 0;

    public const int UnhealthyExitCode = 1;

    /// <summary>How long the probe waits for the node's answer; below the image's HEALTHCHECK timeout so it reports why.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>The body of an unhealthy answer is echoed (Docker keeps it in the container's health log) up to this length.</summary>
    private const int EchoedBodyLimit = 1024;

    public static bool IsProbe(string[] args) => args is [Command, ..];

    /// <summary>Runs the probe for <paramref name="args"/> (what follows <c>probe</c>); writes one line to <paramref name="output"/> and returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken = default)
    {
        if (args.Length > 1)
        {
            await output.WriteLineAsync($"usage: {Command} [live|ready|URL] (one argument at most; got {args.Length})").ConfigureAwait(false);
            return UnhealthyExitCode;
        }

        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        var httpUrl = configuration[$"{NodeOptions.Section}:{nameof(NodeOptions.HttpUrl)}"] ?? new NodeOptions().HttpUrl;
        if (Target(httpUrl, args.FirstOrDefault()) is not { } target)
        {
            await output.WriteLineAsync($"probe: '{args.FirstOrDefault() ?? httpUrl}' is neither live, ready nor an absolute http(s) URL").ConfigureAwait(false);
            return UnhealthyExitCode;
        }

        using var http = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await http.GetAsync(target, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                await output.WriteLineAsync($"{target}: {status}").ConfigureAwait(false);
                return HealthyExitCode;
            }

            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"{target}: {status} {(body.Length > EchoedBodyLimit ? body[..EchoedBodyLimit] : body)}").ConfigureAwait(false);
            return UnhealthyExitCode;
        }
        catch (HttpRequestException e)
        {
            await output.WriteLineAsync($"{target}: no answer: {e.Message}").ConfigureAwait(false);
            return UnhealthyExitCode;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await output.WriteLineAsync($"{target}: no answer within {Timeout.TotalSeconds:0} s").ConfigureAwait(false);
            return UnhealthyExitCode;
        }
    }

    /// <summary>
    /// The URL to GET: <paramref name="what"/> when it is an absolute URL, else <c>/health/live</c> (null or
    /// <c>live</c>) or <c>/health/ready</c> (<c>ready</c>) under <paramref name="httpUrl"/> with a wildcard host made
    /// loopback. Null when either cannot be read.
    /// </summary>
    public static Uri? Target(string httpUrl, string? what)
    {
        var path = what switch
        {
            null or "live" => NodeHealth.LivePath,
            "ready" => NodeHealth.ReadyPath,
            _ => null,
        };
        if (path is null)
        {
            return Uri.TryCreate(what, UriKind.Absolute, out var given) && IsHttp(given) ? given : null;
        }

        // "+" and "*" are Kestrel's wildcards but not URI hosts: read them as one so the port can be.
        var readable = httpUrl.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal);
        if (!Uri.TryCreate(readable, UriKind.Absolute, out var listen) || !IsHttp(listen))
        {
            return null;
        }

        var host = listen.Host is "0.0.0.0" ? "127.0.0.1" : listen.Host is "[::]" ? "[::1]" : listen.Host;
        return new UriBuilder(listen.Scheme, host, listen.Port, path).Uri;
    }

    private static bool IsHttp(Uri url) => url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps;
}
