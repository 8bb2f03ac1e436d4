using System.CommandLine;

namespace SessionCluster.Cli;

/// <summary>
/// scctl: <c>scctl [--url URL] [--admin-key KEY | --admin-key-file PATH | $SC_ADMIN_KEY] [--json] &lt;group&gt; &lt;verb&gt; [args]</c>
/// over a node's management API (<c>/v1/admin</c>) and its edge routes. docs/CLI.md lists the verbs, their JSON and
/// the exit codes (<see cref="ExitCodes"/>).
/// </summary>
public static class Scctl
{
    /// <summary>
    /// Runs one command line, writing its result to <paramref name="stdout"/> and errors to <paramref name="stderr"/>;
    /// returns the exit code. <paramref name="handler"/> replaces the HTTP stack (tests), <paramref name="environment"/>
    /// the process environment (<c>SC_URL</c>, <c>SC_ADMIN_KEY</c>).
    /// </summary>
    public static async Task<int> RunAsync(
        string[] args, TextWriter stdout, TextWriter stderr, HttpMessageHandler? handler = null, Func<string, string?>? environment = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var globals = new GlobalOptions();
        var runner = new VerbRunner(globals, stdout, stderr, handler, environment ?? Environment.GetEnvironmentVariable);
        var root = new RootCommand("scctl: operate a SessionCluster cluster through a node's management API");
        globals.AddTo(root);
        root.Subcommands.Add(ClusterVerbs.Create(runner));
        root.Subcommands.Add(ShardVerbs.Create(runner));
        root.Subcommands.Add(SessionVerbs.Create(runner));
        root.Subcommands.Add(JournalVerbs.Create(runner));
        root.Subcommands.Add(WebhookVerbs.Create(runner));
        root.Subcommands.Add(NodeVerbs.Create(runner));

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await stderr.WriteLineAsync($"scctl: {error.Message}").ConfigureAwait(false);
            }

            await stderr.WriteLineAsync("scctl: see scctl --help").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }, cancellationToken)
            .ConfigureAwait(false);
    }
}
