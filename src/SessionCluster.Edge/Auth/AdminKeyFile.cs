using System.Security.Cryptography;
using SessionCluster.Sessions.State;

namespace SessionCluster.Edge.Auth;

/// <summary>
/// Finds the admin key before the node starts: <c>SC:Edge:AdminKey</c> when set, else <c>&lt;data&gt;/admin.key</c>,
/// else a new random key written there (owner read/write only, as the secrets key) so it survives restarts. The
/// caller prints a generated key once on the console; it never goes to the log.
/// </summary>
public static class AdminKeyFile
{
    /// <summary>The key file's name in the data folder.</summary>
    public const string FileName = "admin.key";

    /// <summary>Where the key came from (for the start-up log; never the key itself).</summary>
    public enum Source
    {
        Configuration,
        KeyFile,
        GeneratedKeyFile,
    }

    /// <summary>The key in plain (to print once when generated), where it came from, and the file it is or would be in.</summary>
    public sealed record Resolved(string Key, Source Source, string File)
    {
        public override string ToString() => $"Resolved {{ Source = {Source}, File = {File} }}";
    }

    public static Resolved Resolve(string? configured, string dataFolder)
    {
        var file = Path.Combine(dataFolder, FileName);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new Resolved(configured, Source.Configuration, file);
        }

        if (File.Exists(file))
        {
            return new Resolved(ReadKey(file), Source.KeyFile, file);
        }

        // 32 random bytes, base64url: 43 characters that survive a shell, a header and a URL without quoting.
        var key = "sc_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        if (!KeyFile.TryCreate(file, key))
        {
            // Another process on the same folder wrote its key first: both nodes answer to that one.
            return new Resolved(ReadKey(file), Source.KeyFile, file);
        }

        return new Resolved(key, Source.GeneratedKeyFile, file);
    }

    private static string ReadKey(string file)
    {
        var key = File.ReadAllText(file).Trim();
        if (key.Length == 0)
        {
            throw new InvalidDataException($"{file} is empty: delete it to have a new admin key generated, or set SC:Edge:AdminKey.");
        }

        return key;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
