namespace SessionCluster.Simulator;

/// <summary>The parsed command line of the simulator program.</summary>
internal sealed record CommandLine(SimulatorOptions Options, bool ShowHelp)
{
    public const string Usage =
        "usage: SessionCluster.Simulator [--urls <url>[;<url>...]] [--port <n>] [--tls] [--tls-port <n>] [--data <folder>]\n" +
        "  --urls      Kestrel listen URLs (default http://127.0.0.1:0)\n" +
        "  --port      shorthand for --urls http://127.0.0.1:<n>\n" +
        "  --tls       serve the chat WebSocket over TLS (wss://127.0.0.1:<tls-port>/ws/chat) with a certificate made at\n" +
        "              start-up; GET /admin/tls/certificate gives it as PEM (default: plain ws://)\n" +
        "  --tls-port  the TLS listener's port, implies --tls (default 0: a free port)\n" +
        "  --data      keep accounts in <folder>/accounts.json across restarts (default: in memory)";

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
                    options = options with { Urls = [$"http://127.0.0.1:{Port(args, ref i)}"] };
                    break;
                case "--tls":
                    options = options with { Tls = true };
                    break;
                case "--tls-port":
                    options = options with { Tls = true, TlsPort = Port(args, ref i) };
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

    private static int Port(IReadOnlyList<string> args, ref int i)
    {
        var name = args[i];
        var text = Value(args, ref i);
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new CommandLineException($"{name}: '{text}' is not a port number (0-65535).");
        }

        return port;
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
