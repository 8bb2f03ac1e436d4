using System.Security.Cryptography;
using SessionCluster.Host.Options;
using SessionCluster.Sessions.State;

namespace SessionCluster.Host.Composition;

/// <summary>
/// Finds the node's secrets key before anything starts (<see cref="SecretsOptions"/> says in which order), so that a
/// node that cannot seal secrets refuses to start with one line naming the setting, rather than starting sessions
/// it cannot protect.
/// </summary>
internal static class SecretsComposition
{
    /// <summary>Where the key came from, for the start-up log (never the key itself).</summary>
    public enum KeySource
    {
        Configuration,
        Environment,
        KeyFile,
        GeneratedKeyFile,
    }

    public static (SecretKey Key, KeySource Source) ResolveKey(SecretsOptions options, string dataFolder, Func<string, string?> environment)
    {
        if (!string.IsNullOrWhiteSpace(options.Key))
        {
            return (Read(options.Key, $"{SecretsOptions.Section}:{nameof(SecretsOptions.Key)}"), KeySource.Configuration);
        }

        var fromEnvironment = environment(SecretsOptions.EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return (Read(fromEnvironment, SecretsOptions.EnvironmentVariable), KeySource.Environment);
        }

        var file = options.KeyFileFullPath(dataFolder);
        var fileKey = $"{SecretsOptions.Section}:{nameof(SecretsOptions.KeyFile)}";
        if (File.Exists(file))
        {
            return (Read(File.ReadAllText(file), fileKey), KeySource.KeyFile);
        }

        if (!options.GenerateKeyFile)
        {
            throw new NodeConfigurationException($"{SecretsOptions.Section}:{nameof(SecretsOptions.Key)}",
                $"no secrets key: set {SecretsOptions.Section}:{nameof(SecretsOptions.Key)} or {SecretsOptions.EnvironmentVariable} to base64 of 32 random bytes " +
                $"(openssl rand -base64 32), or put one in {file}. Sessions keep private keys sealed with it; the node does not store them in plain.");
        }

        var key = SecretKey.Generate(RandomNumberGenerator.Create());
        if (!KeyFile.TryCreate(file, key.ExportBase64()))
        {
            // Another process on the same folder wrote its key first: use that one, so both seal under one key.
            return (Read(File.ReadAllText(file), fileKey), KeySource.KeyFile);
        }

        return (key, KeySource.GeneratedKeyFile);
    }

    /// <summary>
    /// The previous keys (<see cref="SecretsOptions.PreviousKeys"/>), each checked: a malformed one, or one that is the
    /// current key, stops the node at start naming <c>SC:Secrets:PreviousKeys:{i}</c> (never the value). A key listed
    /// twice is kept once.
    /// </summary>
    public static IReadOnlyList<SecretKey> ResolvePrevious(SecretsOptions options, SecretKey current)
    {
        var previous = new List<SecretKey>();
        for (var i = 0; i < options.PreviousKeys.Length; i++)
        {
            var setting = $"{SecretsOptions.Section}:{nameof(SecretsOptions.PreviousKeys)}:{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
            var key = Read(options.PreviousKeys[i], setting);
            if (key.KeyIdHex == current.KeyIdHex)
            {
                throw new NodeConfigurationException(setting,
                    $"is the current key ({current.KeyIdHex}); list only the keys that sealed before it, and remove this one once nothing is sealed under it.");
            }

            if (previous.TrueForAll(known => known.KeyIdHex != key.KeyIdHex))
            {
                previous.Add(key);
            }
        }

        return previous;
    }

    private static SecretKey Read(string base64, string setting)
    {
        try
        {
            return SecretKey.FromBase64(base64, setting);
        }
        catch (SecretsException e)
        {
            throw new NodeConfigurationException(setting, e.Message);
        }
    }
}
