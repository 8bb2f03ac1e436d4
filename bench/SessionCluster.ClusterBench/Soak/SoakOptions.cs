using System.Globalization;

namespace SessionCluster.ClusterBench.Soak;

/// <summary>
/// The soak's settings (bench/run-soak.sh passes them through). Defaults are the run: 1,000 sessions for 30
/// minutes on one node; the rate is modest because the machine it was written for has 2 cores shared with the
/// simulator and this process, and a soak looks for drift, not for the node's ceiling (that is the session benchmark's).
/// </summary>
internal sealed record SoakOptions
{
    public int Sessions { get; init; } = 1000;

    /// <summary>Minutes of traffic, warm-up included.</summary>
    public double Minutes { get; init; } = 30;

    /// <summary>The first minutes of traffic, left out of every criterion (JIT, first contacts, caches filling).</summary>
    public double WarmupMinutes { get; init; } = 5;

    /// <summary>Messages per second in all: half sent through the API, half from simulated phones to the sessions.</summary>
    public double Rate { get; init; } = 20;

    public int SampleSeconds { get; init; } = 30;

    /// <summary>Sessions restarted through <c>POST /v1/sessions/{id}:restart</c> per minute (reconnect churn); 0 for none.</summary>
    public double RestartsPerMinute { get; init; } = 2;

    /// <summary>Sessions linked at a time during set-up.</summary>
    public int Parallel { get; init; } = 8;

    /// <summary>Phones without companions that the sessions write to and that write to them.</summary>
    public int Friends { get; init; } = 10;

    /// <summary>Seconds for every session to have sent one text and received one (the traffic takes them in turn).</summary>
    public double RoundSeconds => Sessions / (Rate / 2);

    public required string AdminUrl { get; init; }

    public required string WebSocketUrl { get; init; }

    public required string RootKey { get; init; }

    /// <summary>The run folder: timeline.csv, summary.md, node.log.</summary>
    public required string Output { get; init; }

    public static SoakOptions Parse(string[] args)
    {
        string Text(string name) => At(args, name) ?? throw new ArgumentException($"{name} is required (bench/run-soak.sh passes it)");
        double Number(string name, double fallback) => At(args, name) is { } v ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var options = new SoakOptions
        {
            AdminUrl = Text("--admin"),
            WebSocketUrl = Text("--ws"),
            RootKey = Text("--root"),
            Output = Text("--out"),
        };
        return options with
        {
            Sessions = (int)Number("--sessions", options.Sessions),
            Minutes = Number("--soak-minutes", options.Minutes),
            WarmupMinutes = Number("--warmup-minutes", options.WarmupMinutes),
            Rate = Number("--rate", options.Rate),
            SampleSeconds = (int)Number("--sample-seconds", options.SampleSeconds),
            RestartsPerMinute = Number("--restarts-per-minute", options.RestartsPerMinute),
            Parallel = (int)Number("--parallel", options.Parallel),
            Friends = (int)Number("--friends", options.Friends),
        };
    }

    private static string? At(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
