using System.Text.Json;
using SessionCluster.Protocol.Crypto;
using SessionCluster.Protocol.Noise;
using SessionCluster.Simulator.Accounts;

namespace SessionCluster.Simulator;

/// <summary>
/// The simulator's own keys: the certificate root (which clients are told to trust), the intermediate, and the
/// Noise static key. Fresh per start when in memory; with a data folder they are kept in <c>server-keys.json</c>
/// so that clients configured with the root key keep working across restarts.
/// </summary>
internal sealed record ServerKeys(KeyPair Root, KeyPair Intermediate, KeyPair Static)
{
    public CertificateAuthority Authority => new(Root, Intermediate);

    public static ServerKeys Generate() => new(Curve25519.GenerateKeyPair(), Curve25519.GenerateKeyPair(), Curve25519.GenerateKeyPair());

    /// <summary>Loads <c>server-keys.json</c> from <paramref name="dataFolder"/>, creating it on first use.</summary>
    public static async Task<ServerKeys> LoadOrCreateAsync(string dataFolder, CancellationToken cancellationToken)
    {
        var path = Path.Combine(dataFolder, "server-keys.json");
        if (File.Exists(path))
        {
            try
            {
                var stored = JsonSerializer.Deserialize<Stored>(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), JsonSerializerOptions.Web)
                    ?? throw new AccountFileException($"{path} is empty.");
                return new ServerKeys(Key(stored.Root), Key(stored.Intermediate), Key(stored.Static));
            }
            catch (Exception e) when (e is JsonException or FormatException or ArgumentException)
            {
                throw new AccountFileException($"{path} is not a simulator key file: {e.Message}", e);
            }
        }

        var keys = Generate();
        Directory.CreateDirectory(dataFolder);
        var json = JsonSerializer.SerializeToUtf8Bytes(new Stored(Hex(keys.Root), Hex(keys.Intermediate), Hex(keys.Static)), JsonSerializerOptions.Web);
        await File.WriteAllBytesAsync(path + ".tmp", json, cancellationToken).ConfigureAwait(false);
        File.Move(path + ".tmp", path, overwrite: true);
        return keys;
    }

    private static KeyPair Key(string hex) => Curve25519.FromPrivateKey(Convert.FromHexString(hex));

    private static string Hex(KeyPair key) => Convert.ToHexStringLower(key.PrivateKey.Span);

    private sealed record Stored(string Root, string Intermediate, string Static);
}
