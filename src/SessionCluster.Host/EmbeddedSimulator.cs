using SessionCluster.Host.Options;
using SessionCluster.Simulator;

namespace SessionCluster.Host;

/// <summary>
/// <c>--simulator</c>: the node starts the WhatsApp simulator in its own process (SessionCluster.Simulator's
/// <see cref="SimulatorHost"/>, plain <c>ws://</c> on loopback) and points its sessions at it, so that a newcomer can
/// create a session, link it with a simulated phone and send a message without a real account (README: the
/// walkthrough). The simulator keeps its server keys and accounts in <c>&lt;data&gt;/simulator</c>, so sessions linked
/// to it log in again after a restart. <c>--simulator-url URL</c> moves it (default <see cref="DefaultUrl"/>; port 0
/// picks a free one). It is a sandbox: never a way to reach WhatsApp.
/// </summary>
internal static class EmbeddedSimulator
{
    public const string Switch = "--simulator";
    public const string UrlSwitch = "--simulator-url";

    /// <summary>Next to the node's 5080 (HTTP) and 5081 (remoting).</summary>
    public const string DefaultUrl = "http://127.0.0.1:5090";

    /// <summary>The simulator's folder inside the node's data folder.</summary>
    public const string DataSubfolder = "simulator";

    /// <summary>Whether the command line asks for the simulator, its URL, and the arguments left for the node's configuration.</summary>
    public static (bool Wanted, string Url, string[] NodeArgs) Parse(string[] args)
    {
        var wanted = false;
        var url = DefaultUrl;
        var rest = new List<string>(args.Length);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == Switch)
            {
                wanted = true;
            }
            else if (args[i] == UrlSwitch && i + 1 < args.Length)
            {
                url = args[++i];
            }
            else if (args[i].StartsWith(UrlSwitch + "=", StringComparison.Ordinal))
            {
                url = args[i][(UrlSwitch.Length + 1)..];
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        return (wanted, url, [.. rest]);
    }

    /// <summary>Starts the simulator (blocking: the node is not built yet) and returns it with the settings that point sessions at it.</summary>
    public static (SimulatorHost Host, IReadOnlyDictionary<string, string?> Settings) Start(string url, string dataFolder)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme != "http")
        {
            throw new NodeConfigurationException(UrlSwitch, $"'{url}' is not an http:// URL (for example {DefaultUrl}).");
        }

        SimulatorHost host;
        try
        {
            host = SimulatorHost.StartAsync(new SimulatorOptions { Urls = [url], DataFolder = Path.Combine(dataFolder, DataSubfolder) }).GetAwaiter().GetResult();
        }
        catch (IOException e)
        {
            throw new NodeConfigurationException(UrlSwitch, $"the simulator cannot listen on {url}: {e.Message}");
        }

        // The simulator's media host is HTTPS with a certificate made at its start: the sessions' uploads trust it, and only it.
        var certificateFile = Path.Combine(dataFolder, DataSubfolder, "certificate.pem");
        File.WriteAllText(certificateFile, host.CertificatePem);
        return (host, new Dictionary<string, string?>
        {
            [$"{WhatsAppOptions.Section}:{nameof(WhatsAppOptions.ServerUrl)}"] = host.WebSocketUrl,
            [$"{WhatsAppOptions.Section}:{nameof(WhatsAppOptions.RootPublicKey)}"] = Convert.ToHexString(host.RootPublicKey.Span),
            [$"{WhatsAppOptions.Section}:{nameof(WhatsAppOptions.TrustedCertificateFile)}"] = certificateFile,
        });
    }

    /// <summary>What the console shows once the node listens: where the simulator is and how its phone links a session.</summary>
    public static string Instructions(SimulatorHost host, string nodeUrl) => $$"""
        simulator: this node's sessions connect to the embedded WhatsApp simulator at {{host.WebSocketUrl}} (a sandbox, not WhatsApp)
        simulator: its admin API is {{host.AdminUrl}}; make a phone, then let it scan a session's QR:
          curl -s -X POST {{host.AdminUrl}}/accounts -H 'Content-Type: application/json' -d '{"phone":"15550001111"}'
          curl -s {{nodeUrl}}/v1/sessions/<id>/qr -H "Authorization: Bearer <admin key>"      (the "qr" string)
          curl -s -X POST {{host.AdminUrl}}/accounts/15550001111/link -H 'Content-Type: application/json' -d '{"qr":"<qr>"}'
        simulator: the README's walkthrough has every step
        """;
}
