namespace SessionCluster.Host.Options;

/// <summary>
/// The key that seals the sessions' secrets at rest (private keys, later ratchet states; AES-256-GCM,
/// docs/SESSIONS.md "State and secrets"). Bound from <c>SC:Secrets</c>; the environment variable
/// <c>SC_SECRETS_KEY</c> is read too. Which key wins: <see cref="Key"/>, then <c>SC_SECRETS_KEY</c>, then the key
/// file in the data folder; with none of them the node writes a new key file on its first start when
/// <see cref="GenerateKeyFile"/> is on, and refuses to start when it is off. There is no plaintext fallback.
/// </summary>
public sealed class SecretsOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string Section = "SC:Secrets";

    /// <summary>The environment variable read when <see cref="Key"/> is not set.</summary>
    public const string EnvironmentVariable = "SC_SECRETS_KEY";

    /// <summary>
    /// Default none. Base64 of 32 random bytes (<c>openssl rand -base64 32</c>). Never logged: the node logs the
    /// key's id (4 bytes of a hash) only.
    /// </summary>
    public string? Key { get; init; }

    /// <summary>
    /// Default none. Keys that sealed before the current one (rotation): base64 of 32 bytes each, as
    /// <c>SC:Secrets:PreviousKeys:0</c>, <c>:1</c> ... (environment <c>SC__Secrets__PreviousKeys__0</c>). The node opens
    /// with them and seals with the current key only, and moves what is sealed directly under them to the current key
    /// as its sessions start (docs/CONFIGURATION.md "Rotating the secrets key"). Never logged: the node logs their ids.
    /// Listing the current key here is refused at start (it would look like a rotation that is not one).
    /// </summary>
    public string[] PreviousKeys { get; init; } = [];

    /// <summary>
    /// Default <c>secrets.key</c>, inside the data folder (a relative path is taken from there). Read when no key is
    /// configured; written on first start (file mode 600) when <see cref="GenerateKeyFile"/> is on. Back it up with
    /// the journal: the journal's secrets cannot be opened without it.
    /// </summary>
    public string KeyFile { get; init; } = "secrets.key";

    /// <summary>
    /// Default <c>true</c>, so that <c>dotnet run</c> with nothing configured starts. A production node sets
    /// <c>false</c> and gives the key through <see cref="Key"/> or <c>SC_SECRETS_KEY</c>, so that a node started
    /// without its key fails at start instead of making a new key that cannot open the stored sessions.
    /// </summary>
    public bool GenerateKeyFile { get; init; } = true;

    /// <summary>The key file as an absolute path.</summary>
    public string KeyFileFullPath(string dataFolder) => Path.GetFullPath(KeyFile, dataFolder);

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(KeyFile))
        {
            throw new NodeConfigurationException($"{Section}:{nameof(KeyFile)}", "is empty; give a file name (default secrets.key in the data folder).");
        }
    }
}
