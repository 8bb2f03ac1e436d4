using System.Security.Cryptography.X509Certificates;
using SessionCluster.Sessions;

namespace SessionCluster.Host.Options;

/// <summary>
/// Where this node's sessions connect and whom they trust there. Bound from <c>SC:WhatsApp</c>. The defaults are
/// WhatsApp's production server and Noise root; a simulator (tests, demos, an operator's sandbox) is chosen by setting
/// all three: its URL, its root key (<c>GET /admin/root-key</c>) and its TLS certificate (<c>GET /admin/tls/certificate</c>).
/// </summary>
public sealed class WhatsAppOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string Section = "SC:WhatsApp";

    /// <summary>Default <c>wss://web.whatsapp.com/ws/chat</c>. A <c>ws://</c> URL is allowed for a simulator on loopback.</summary>
    public string ServerUrl { get; init; } = SessionServerSettings.Production.ServerUri.ToString();

    /// <summary>Default none: WhatsApp's production Noise root. Hex of the 32-byte root public key the server's certificate chain must end in.</summary>
    public string? RootPublicKey { get; init; }

    /// <summary>Default none: the system's TLS roots. A PEM file holding the one certificate to trust as root (a simulator's).</summary>
    public string? TrustedCertificateFile { get; init; }

    /// <summary>Throws <see cref="NodeConfigurationException"/> for the first setting the sessions cannot connect with.</summary>
    public void Validate()
    {
        if (!Uri.TryCreate(ServerUrl, UriKind.Absolute, out var url) || (url.Scheme != "wss" && url.Scheme != "ws"))
        {
            throw new NodeConfigurationException($"{Section}:{nameof(ServerUrl)}", $"'{ServerUrl}' is not an absolute wss:// (or ws://) URL.");
        }

        if (RootPublicKey is not null && (RootPublicKey.Length != 64 || !RootPublicKey.All(Uri.IsHexDigit)))
        {
            throw new NodeConfigurationException($"{Section}:{nameof(RootPublicKey)}", "must be 64 hex digits (the 32-byte root public key).");
        }

        if (TrustedCertificateFile is not null && !File.Exists(TrustedCertificateFile))
        {
            throw new NodeConfigurationException($"{Section}:{nameof(TrustedCertificateFile)}", $"'{TrustedCertificateFile}' does not exist.");
        }

        // Reads the certificate now, so a file that holds none stops the node before anything starts.
        _ = ToServerSettings();
    }

    /// <summary>The sessions' server settings from these options (validated first).</summary>
    public SessionServerSettings ToServerSettings()
    {
        var settings = new SessionServerSettings(new Uri(ServerUrl));
        if (RootPublicKey is { } root)
        {
            settings = settings with { RootPublicKey = Convert.FromHexString(root) };
        }

        if (TrustedCertificateFile is { } file)
        {
            try
            {
                settings = settings with { PinnedCertificate = X509Certificate2.CreateFromPem(File.ReadAllText(file)) };
            }
            catch (System.Security.Cryptography.CryptographicException e)
            {
                throw new NodeConfigurationException($"{Section}:{nameof(TrustedCertificateFile)}", $"'{file}' holds no PEM certificate: {e.Message}");
            }
        }

        return settings;
    }
}
