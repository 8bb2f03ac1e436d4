namespace SessionCluster.Simulator;

/// <summary>The parsed command line of the simulator program.</summary>
internal sealed record CommandLine(SimulatorOptions Options, bool ShowHelp)
{
    public const string Usage =
        "usage: SessionCluster.Simulator [--urls <url>[;<url>...]] [--port <n>] [--data <folder>]\n" +
        "  --urls   Kestrel listen URLs (default http://127.0.0.1:0)\n" +
        "  --port   shorthand for --urls http://127.0.0.1:<n>\n" +
        "  --data   keep accounts in <folder>/accounts.json across restarts (default: in memory)";

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var options = new SimulatorOptions();
        var help = false;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--urls":
                    var urls = Value(args, ref i).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    foreach (var url in urls)
                    {
                        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
                        {
                            throw new CommandLineException($"--urls: '{url}' is not an http:// URL.");
                        }
                    }

                    options = options with { Urls = urls };
                    break;
                case "--port":
                    var text = Value(args, ref i);
                    if (!int.TryParse(text, out var port) || port is < 0 or > 65535)
                    {
                        throw new CommandLineException($"--port: '{text}' is not a port number (0-65535).");
                    }

                    options = options with { Urls = [$"http://127.0.0.1:{port}"] };
                    break;
                case "--data":
                    options = options with { DataFolder = Value(args, ref i) };
                    break;
                case "-h" or "--help":
                    help = true;
                    break;
                default:
                    throw new CommandLineException($"Unknown argument '{args[i]}'.");
            }
        }

        return new CommandLine(options, help);
    }

    private static string Value(IReadOnlyList<string> args, ref int i)
    {
        if (i + 1 >= args.Count)
        {
            throw new CommandLineException($"{args[i]} needs a value.");
        }

        return args[++i];
    }
}

/// <summary>A command line the simulator cannot run with.</summary>
internal sealed class CommandLineException(string message) : Exception(message);
