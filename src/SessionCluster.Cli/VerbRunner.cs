using System.CommandLine;

namespace SessionCluster.Cli;

/// <summary>What a verb works with: the node, the output, and its own parsed arguments.</summary>
internal sealed record Verb(NodeClient Node, Output Output, ParseResult Parse);

/// <summary>
/// Runs a verb: resolves the global options, opens the node client, and turns every failure into its message on
/// stderr and its exit code.
/// </summary>
internal sealed class VerbRunner(GlobalOptions globals, TextWriter stdout, TextWriter stderr, HttpMessageHandler? handler, Func<string, string?> environment)
{
    /// <summary>Makes <paramref name="verb"/> the action of <paramref name="command"/>.</summary>
    public Command Action(Command command, Func<Verb, CancellationToken, Task> verb)
    {
        command.SetAction((parse, ct) => RunAsync(parse, verb, ct));
        return command;
    }

    private async Task<int> RunAsync(ParseResult parse, Func<Verb, CancellationToken, Task> verb, CancellationToken ct)
    {
        var output = new Output(stdout, stderr, parse.GetValue(globals.Json));
        try
        {
            var (url, key) = globals.Resolve(parse, environment);
            using var node = NodeClient.Create(url, key, parse.GetValue(globals.Tenant), TimeSpan.FromSeconds(parse.GetValue(globals.Timeout)), handler);
            await verb(new Verb(node, output, parse), ct).ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        catch (ScctlException e)
        {
            output.Error(e);
            return e.ExitCode;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Unexpected: said in full (a bug report needs the stack), exit 1.
            output.Error(new ScctlException(ScctlFailure.ServerError, e.ToString(), inner: e));
            return ExitCodes.Failed;
        }
    }
}
